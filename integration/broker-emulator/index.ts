/**
 * An AKTIN Broker emulator over real HTTP, faithful to broker-server 1.5.x as far as a client of
 * the admin API and a node can see (docs/broker-protocol.md): Bearer API keys with DN roles, ids
 * from 0, the XPath tag filter, status lists, synchronous export with a 10-minute download, the
 * node API to act as hospitals, the quirks of §11, a seed file, fault injection, the admin
 * websocket of §8 (websocket.ts), latency per call (latency.ts), and counters of connections,
 * requests, calls per route and of what is in flight at once for tests and benchmarks. It is test equipment: it never listens beyond 127.0.0.1 and keeps
 * everything in memory.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { adminRoutes } from './admin-routes.js';
import { exportRoutes } from './export-routes.js';
import { Faults, type FaultConfig, type FaultRoute } from './faults.js';
import { InFlight, Latency, type InFlightLoad, type LatencyConfig } from './latency.js';
import { nodeRoutes } from './node-routes.js';
import { createRouter, type Answer, type Context } from './router.js';
import { applySeed, validateSeed, type EmulatorSeed } from './seed.js';
import { BrokerState } from './state.js';
import { WEBSOCKET_PATH, createWebsocketHub, type WebsocketAids } from './websocket.js';

export type { FaultConfig, FaultRoute, RouteFault } from './faults.js';
export type { InFlightLoad, LatencyConfig } from './latency.js';
export type { EmulatorSeed, SeedRequest } from './seed.js';
export { validateSeed } from './seed.js';
export type { WebsocketAids } from './websocket.js';

/** api-keys.properties as the broker ships it (docs/broker-protocol.md §2.2). */
export const DEFAULT_API_KEYS: Readonly<Record<string, string>> = {
  xxxApiKey123: 'CN=Schwarzwaldklinik,O=Schwarzwaldklinik,L=Schwarzwald',
  xxxApiKey567: 'CN=Plainsboro Teaching Hospital,O=Plainsboro Teaching Hospital,L=New Jersey',
  xxxApiKey890: 'CN=Grey Sloan Memorial Hospital,O=Grey Sloan Memorial Hospital,L=Seattle',
  xxxAdmin1234: 'CN=Admin,O=AKTIN,OU=admin',
};

export interface BrokerEmulatorOptions {
  /** 0 (default): a free port. */
  readonly port?: number;
  readonly host?: '127.0.0.1';
  /** API key → client DN; a DN containing OU=admin is an admin, one ending in ,INACTIVE is refused. */
  readonly apiKeys?: Readonly<Record<string, string>>;
  readonly faults?: FaultConfig;
  /** A broker at a distance: a wait before every call (latency.ts). */
  readonly latency?: LatencyConfig;
  readonly seed?: EmulatorSeed;
  readonly clock?: () => Date;
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
}

export interface BrokerEmulator {
  readonly url: string;
  readonly port: number;
  /** HTTP connections opened, requests received, calls per route name (`status`, `filtered`, …), bytes and busy time since the start. */
  stats(): { connections: number; requests: number; calls: Readonly<Partial<Record<FaultRoute, number>>> } & EmulatorLoad;
  /**
   * The routed calls whose request number (the `requests` count before them) is at least `mark`,
   * in arrival order: which requests a client asked about after some point (at least the last 10,000 kept).
   */
  callsSince(mark: number): readonly LoggedCall[];
  /** The admin websocket at `/broker/websocket` and its test aids. */
  readonly websocket: WebsocketAids;
  setFaults(faults: FaultConfig): void;
  setLatency(latency: LatencyConfig): void;
  /** Requests and connections in flight now and at their peak (since the start or resetPeaks). */
  inFlight(): InFlightLoad;
  resetPeaks(): void;
  close(): Promise<void>;
}

export interface LoggedCall {
  /** The `requests` count when it arrived: 0 for the first request. */
  readonly number: number;
  readonly route: FaultRoute;
  readonly method: string;
  readonly path: string;
}

const CALL_LOG_SIZE = 10_000;

/** For benchmarks: bytes on the wire (closed and open connections) and time spent answering. */
export interface EmulatorLoad {
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** Sum over requests of the time from arrival to the last byte of the answer handed to the socket. */
  readonly busyMs: number;
}

export async function startBrokerEmulator(options: BrokerEmulatorOptions = {}): Promise<BrokerEmulator> {
  const keys = options.apiKeys ?? DEFAULT_API_KEYS;
  const now = options.clock ?? (() => new Date());
  const state = new BrokerState();
  if (options.seed) applySeed(state, validateSeed(options.seed, keys), keys, now);
  const faults = new Faults();
  faults.set(options.faults ?? {});
  const latency = new Latency();
  latency.set(options.latency ?? {});
  const inFlight = new InFlight();
  const route = createRouter([...adminRoutes(state, now), ...exportRoutes(state, now), ...nodeRoutes(state, now)]);
  let connections = 0;
  let requests = 0;
  const calls: Partial<Record<FaultRoute, number>> = {};
  const log: LoggedCall[] = [];
  const hub = createWebsocketHub();
  state.listeners.add((frame) => hub.broadcast(frame));
  const load = { bytesIn: 0, bytesOut: 0, busyNs: 0n };
  const open = new Set<Socket>();

  const authenticate = (request: IncomingMessage): Context['caller'] => {
    const header = request.headers.authorization ?? '';
    if (!header.startsWith('Bearer ')) return undefined;
    const key = header.slice('Bearer '.length);
    const dn = keys[key];
    if (!dn || dn.split(',').at(-1)?.trim() === 'INACTIVE') return undefined;
    const admin = dn.includes('OU=admin');
    if (!admin) state.nodeFor(key, dn, now()); // registration happens on authentication, before roles are checked
    return { key, dn, admin };
  };

  const answer = async (response: ServerResponse, name: Parameters<Faults['send']>[0], reply: Answer) => {
    const body = reply.body === undefined ? undefined : Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body, 'utf8');
    const empty = reply.status === 204 || reply.status === 304 ? {} : { 'Content-Length': '0' };
    const length = body === undefined ? empty : { 'Content-Type': reply.type ?? 'text/plain', 'Content-Length': String(body.length) };
    response.writeHead(reply.status, { ...length, ...reply.headers });
    await faults.send(name, response, body);
  };

  const handler = async (request: IncomingMessage, response: ServerResponse) => {
    const number = requests;
    requests += 1;
    const answered = inFlight.request();
    response.once('finish', answered);
    response.once('close', answered);
    try {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const resolved = route(request, url.pathname);
      await latency.wait(resolved.kind === 'route' ? resolved.route.name : 'any');
      // Busy time is the emulator's own work: the latency is the distance, not the broker.
      const arrived = process.hrtime.bigint();
      response.once('finish', () => (load.busyNs += process.hrtime.bigint() - arrived));
      if (resolved.kind === 'status') return void (await answer(response, 'any', { status: resolved.status }));
      const { route: chosen, params } = resolved;
      calls[chosen.name] = (calls[chosen.name] ?? 0) + 1;
      log.push({ number, route: chosen.name, method: request.method ?? '', path: url.pathname });
      if (log.length >= 2 * CALL_LOG_SIZE) log.splice(0, CALL_LOG_SIZE); // trimmed in batches: no copy per call
      if (await faults.before(chosen.name, response)) return;
      const caller = chosen.access === 'none' ? undefined : authenticate(request);
      if (chosen.access !== 'none' && (!caller || (chosen.access === 'admin' && !caller.admin))) return void (await answer(response, chosen.name, { status: 401 }));
      if (chosen.access === 'node' && caller?.admin) return void (await answer(response, chosen.name, { status: 500 })); // an admin has no node id
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const reply = await chosen.handle({ request, response, url, params, body: Buffer.concat(chunks), caller });
      await answer(response, chosen.name, reply);
    } catch (error) {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(error));
      else response.destroy();
    }
  };
  const listener = (request: IncomingMessage, response: ServerResponse) => void handler(request, response);
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener) : http.createServer(listener);
  // 'connection' counts TCP connections for HTTPS too (secureConnection would miss failed handshakes).
  server.on('connection', (socket: Socket) => {
    connections += 1;
    open.add(socket);
    socket.once('close', inFlight.connection());
    socket.once('close', () => {
      open.delete(socket);
      load.bytesIn += socket.bytesRead;
      load.bytesOut += socket.bytesWritten;
    });
  });
  server.on('upgrade', (request: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (new URL(request.url ?? '/', 'http://127.0.0.1').pathname !== WEBSOCKET_PATH) return void socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    hub.handleUpgrade(request, socket, head, authenticate(request));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    stats: () => {
      const live = [...open];
      const bytesIn = load.bytesIn + live.reduce((sum, s) => sum + s.bytesRead, 0);
      const bytesOut = load.bytesOut + live.reduce((sum, s) => sum + s.bytesWritten, 0);
      return { connections, requests, calls: { ...calls }, bytesIn, bytesOut, busyMs: Number(load.busyNs) / 1e6 };
    },
    callsSince: (mark) => log.filter((call) => call.number >= mark),
    websocket: hub,
    setFaults: (config) => faults.set(config),
    setLatency: (config) => latency.set(config),
    inFlight: () => inFlight.load(),
    resetPeaks: () => inFlight.resetPeaks(),
    close: () =>
      new Promise<void>((resolve) => {
        hub.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

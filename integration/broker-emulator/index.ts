/**
 * An AKTIN Broker emulator over real HTTP, faithful to broker-server 1.5.x as far as a client
 * of the admin API and a node can see (broker-api.md): Bearer API keys with DN roles, ids from
 * 0, the XPath tag filter, status lists, synchronous export with a 10-minute download, the
 * node API to act as hospitals, the quirks of §11, and fault injection for tests.
 * Listens on 127.0.0.1 only.
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportBundle } from './bundle.js';
import { Faults, type FaultConfig, type FaultRoute } from './faults.js';
import { BrokerState, NODE_STATES, type PostableState } from './state.js';
import { PredicateError, compilePredicate } from './tag-filter.js';
import { nodeList, requestList, singleRequest, statusList } from './xml.js';

export type { FaultConfig, FaultRoute, RouteFault } from './faults.js';

/** api-keys.properties as the broker ships it (broker-api.md §2.2). */
export const DEFAULT_API_KEYS: Readonly<Record<string, string>> = {
  xxxApiKey123: 'CN=Schwarzwaldklinik,O=Schwarzwaldklinik,L=Schwarzwald',
  xxxApiKey567: 'CN=Plainsboro Teaching Hospital,O=Plainsboro Teaching Hospital,L=New Jersey',
  xxxApiKey890: 'CN=Grey Sloan Memorial Hospital,O=Grey Sloan Memorial Hospital,L=Seattle',
  xxxAdmin1234: 'CN=Admin,O=AKTIN,OU=admin',
};
const DOWNLOAD_LIFETIME_MS = 10 * 60 * 1000;
const XML = 'application/xml';

export interface BrokerEmulatorOptions {
  readonly port?: number;
  readonly apiKeys?: Readonly<Record<string, string>>;
  readonly faults?: FaultConfig;
  readonly clock?: () => Date;
}

export interface BrokerEmulator {
  readonly url: string;
  readonly port: number;
  stats(): { connections: number; requests: number };
  setFaults(faults: FaultConfig): void;
  close(): Promise<void>;
}

interface Caller {
  readonly key: string;
  readonly dn: string;
  readonly admin: boolean;
}

type Handler = (ctx: Context) => Promise<void> | void;
interface Context {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly params: string[];
  readonly url: URL;
  readonly body: Buffer;
  readonly caller: Caller | undefined;
}

export async function startBrokerEmulator(options: BrokerEmulatorOptions = {}): Promise<BrokerEmulator> {
  const keys = options.apiKeys ?? DEFAULT_API_KEYS;
  const now = options.clock ?? (() => new Date());
  const state = new BrokerState();
  const faults = new Faults();
  faults.set(options.faults ?? {});
  const downloads = new Map<string, { body: Buffer; name: string; created: Date }>();
  let connections = 0;
  let served = 0;

  const send = (response: ServerResponse, status: number, body?: string | Buffer, type = XML, headers: Record<string, string> = {}) => {
    const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    response.writeHead(status, { ...(bytes ? { 'Content-Type': type, 'Content-Length': String(bytes.length) } : {}), ...headers });
    response.end(bytes);
  };
  const requestOr404 = (ctx: Context) => {
    const request = state.requests.get(Number(ctx.params[0]));
    if (!request) send(ctx.response, 404);
    return request;
  };
  const contentType = (ctx: Context) => ctx.request.headers['content-type']?.split(';')[0]?.trim();

  const routes: [string, RegExp, FaultRoute | null, 'admin' | 'node' | 'none', Handler][] = [
    ['GET', /^\/broker\/status$/, null, 'none', ({ response }) =>
      send(response, 200, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><broker-status><timestamp>${now().toISOString()}</timestamp><node-software><module id="broker-api"><version>1.5.2</version></module><module id="broker-server"><version>1.5.2</version></module></node-software></broker-status>`)],
    ['GET', /^\/broker\/request\/filtered$/, 'filtered', 'admin', ({ url, response }) => {
      const type = url.searchParams.get('type');
      const predicate = url.searchParams.get('predicate');
      if (!type || !(type.endsWith('+xml') || type.endsWith('/xml'))) return send(response, 400, 'type param required', 'text/plain');
      if (predicate === null) return send(response, 500);
      let matches: (definition: string) => boolean;
      try {
        matches = compilePredicate(predicate);
      } catch (error) {
        if (error instanceof PredicateError) return send(response, 400, 'type param required', 'text/plain');
        throw error;
      }
      const found = [...state.requests.values()].filter((r) => r.definitions.some((d) => d.type === type && matches(d.body.toString('utf8'))));
      send(response, 200, requestList(found, false));
    }],
    ['GET', /^\/broker\/request$/, null, 'admin', ({ response }) => send(response, 200, requestList([...state.requests.values()].filter((r) => r.definitions.length > 0), true))],
    ['POST', /^\/broker\/request$/, null, 'admin', (ctx) => {
      const type = contentType(ctx);
      const request = state.createRequest(now(), type ? { type, body: ctx.body } : undefined);
      send(ctx.response, 201, undefined, XML, { Location: `http://${ctx.request.headers.host}/broker/request/${request.id}` });
    }],
    ['PUT', /^\/broker\/request\/(\d+)$/, null, 'admin', (ctx) => {
      const type = contentType(ctx);
      if (!type) return send(ctx.response, 500);
      const request = state.requests.get(Number(ctx.params[0]));
      if (request) {
        const existing = request.definitions.findIndex((d) => d.type === type);
        if (existing >= 0) request.definitions.splice(existing, 1, { type, body: ctx.body });
        else request.definitions.push({ type, body: ctx.body });
      }
      send(ctx.response, 204);
    }],
    ['GET', /^\/broker\/request\/(\d+)$/, null, 'admin', (ctx) => {
      const request = requestOr404(ctx);
      if (!request) return;
      const definition = request.definitions[0];
      if (!definition) return send(ctx.response, 404);
      send(ctx.response, 200, definition.body, `${definition.type};charset=UTF-8`);
    }],
    ['OPTIONS', /^\/broker\/request\/(\d+)$/, null, 'admin', (ctx) => {
      const request = state.requests.get(Number(ctx.params[0]));
      if (!request) return send(ctx.response, 404, undefined, XML, { Allow: 'GET,PUT,DELETE,OPTIONS' });
      send(ctx.response, 200, singleRequest(request), XML, { Allow: 'GET,PUT,DELETE,OPTIONS' });
    }],
    ['DELETE', /^\/broker\/request\/([^/]+)$/, null, 'admin', (ctx) => {
      if (!/^\d+$/.test(ctx.params[0]!)) return send(ctx.response, 400);
      state.requests.delete(Number(ctx.params[0])); // status rows and results stay, as in HSQLDB
      send(ctx.response, 204);
    }],
    ['GET', /^\/broker\/request\/(\d+)\/status$/, 'status', 'admin', (ctx) => {
      const rows = [...(state.statusRows.get(Number(ctx.params[0]))?.values() ?? [])].sort((a, b) => a.node - b.node);
      send(ctx.response, 200, statusList(rows));
    }],
    ['POST', /^\/broker\/request\/(\d+)\/(publish|close)$/, null, 'admin', (ctx) => {
      const request = requestOr404(ctx);
      if (!request) return;
      if (ctx.params[1] === 'publish') request.published ??= now();
      else request.closed ??= now();
      send(ctx.response, 204);
    }],
    ['GET', /^\/broker\/node$/, null, 'admin', ({ response }) => send(response, 200, nodeList([...state.nodes.values()].sort((a, b) => a.id - b.id)))],
    ['POST', /^\/broker\/export\/request-bundle\/(\d+)$/, 'export', 'admin', (ctx) => {
      const id = Number(ctx.params[0]);
      const request = state.requests.get(id);
      if (!request || request.definitions.length === 0) return send(ctx.response, 500); // NPE in RequestBundleExport
      const uuid = randomUUID();
      downloads.set(uuid, { body: Buffer.from(exportBundle(state, id)), name: `export_${id}.zip`, created: now() });
      send(ctx.response, 200, uuid, 'text/plain');
    }],
    ['GET', /^\/broker\/download\/([^/]+)$/, 'download', 'none', async (ctx) => {
      for (const [uuid, d] of downloads) if (now().getTime() - d.created.getTime() > DOWNLOAD_LIFETIME_MS) downloads.delete(uuid);
      const download = downloads.get(ctx.params[0]!);
      if (!download) return send(ctx.response, 404);
      ctx.response.writeHead(200, {
        'Content-Type': 'application/zip',
        'Content-Length': String(download.body.length),
        'Content-Disposition': `inline; filename="${download.name}"`,
        'Last-Modified': download.created.toUTCString(),
      });
      await faults.send('download', ctx.response, download.body);
    }],
    ['POST', /^\/broker\/my\/request\/([^/]+)\/status\/([^/]+)$/, null, 'node', (ctx) => {
      const [id, word] = ctx.params as [string, string];
      if (!/^\d+$/.test(id)) return send(ctx.response, 404);
      if (word === 'expired') return send(ctx.response, 500);
      if (!(NODE_STATES as readonly string[]).includes(word)) return send(ctx.response, 404);
      const node = state.nodeFor(ctx.caller!.key, ctx.caller!.dn, now());
      const rows = state.rowsOf(Number(id));
      const row = rows.get(node.id) ?? { node: node.id, states: {} };
      const date = ctx.request.headers.date ? new Date(ctx.request.headers.date) : now();
      row.states[word as PostableState] = date;
      if (word !== 'interaction') delete row.states.interaction;
      const type = contentType(ctx);
      if (type) row.message = { type, body: ctx.body };
      rows.set(node.id, row);
      send(ctx.response, 204);
    }],
    ['PUT', /^\/aggregator\/my\/request\/([^/]+)\/result$/, null, 'node', (ctx) => {
      if (!/^\d+$/.test(ctx.params[0]!)) return send(ctx.response, 500);
      const type = ctx.request.headers['content-type'];
      if (!type) return send(ctx.response, 400);
      const node = state.nodeFor(ctx.caller!.key, ctx.caller!.dn, now());
      state.resultsOf(Number(ctx.params[0])).set(node.id, { type, body: ctx.body, modified: now() });
      send(ctx.response, 204);
    }],
  ];

  const authenticate = (request: IncomingMessage): Caller | undefined => {
    const header = request.headers.authorization ?? '';
    if (!header.startsWith('Bearer ')) return undefined;
    const key = header.slice('Bearer '.length);
    const dn = keys[key];
    if (!dn || dn.split(',').at(-1) === 'INACTIVE') return undefined;
    return { key, dn, admin: dn.includes('OU=admin') };
  };

  const server = http.createServer(async (request, response) => {
    served += 1;
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
      const matching = routes.filter(([, pattern]) => pattern.test(path));
      const route = matching.find(([method]) => method === request.method || (method === 'GET' && request.method === 'HEAD'));
      if (!route) return send(response, matching.length > 0 ? 405 : 404);
      const [, pattern, faultRoute, auth, handler] = route;
      if (await faults.before(faultRoute ?? 'any', response)) return;
      const caller = authenticate(request);
      if (auth !== 'none' && (!caller || (auth === 'admin' && !caller.admin))) return send(response, 401);
      if (auth === 'node' && caller?.admin) return send(response, 500); // an admin has no node id
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      await handler({ request, response, url, params: pattern.exec(path)!.slice(1), body: Buffer.concat(chunks), caller });
    } catch (error) {
      if (!response.headersSent) send(response, 500, String(error), 'text/plain');
      else response.destroy();
    }
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats: () => ({ connections, requests: served }),
    setFaults: (config) => faults.set(config),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

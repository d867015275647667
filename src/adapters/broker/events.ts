/**
 * The broker's admin websocket (docs/broker-protocol.md §8) with the `ws` package, as a
 * BrokerEventSource: the Bearer header on the upgrade, `wss://` trusting the same CA bundle as the
 * REST client, a session counted as up once the broker's `welcome` arrives (a node key is closed
 * before it), `ping {n}` every interval and a reconnect when its pong does not come (a half-open
 * TCP link is otherwise silent for the broker's 2 h idle timeout), and reconnects with exponential
 * backoff and jitter. Messages name the URL and what went wrong; never the API key.
 */
import type WebSocket from 'ws';
import type { BrokerEventSource, EventSourceState, EventSubscription } from '../../app/ports.js';
import { parseBrokerFrame, MAX_FRAME_CHARS, type BrokerEvent } from '../../core/broker-event.js';
import type { BrokerConfig } from '../../core/config.js';
import { backoffDelay, EQUAL_JITTER } from '../../core/backoff.js';
import { readCaBundle } from './transport.js';

export interface BrokerEventsOptions {
  readonly broker: BrokerConfig;
  /** PEM file of CAs to trust for wss:// (REQUESTS_CA_BUNDLE); default: the system CAs. */
  readonly caBundle?: string;
  /** Between pings; default 30 s. */
  readonly pingIntervalMs?: number;
  /** Wait for a pong, and for the welcome after the upgrade; default 10 s. */
  readonly pongTimeoutMs?: number;
  /** First reconnect delay, doubled per failed try up to maxBackoffMs; defaults 1 s and 60 s. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Jitter source in [0, 1); default Math.random. */
  readonly random?: () => number;
}

export const WEBSOCKET_PATH = '/broker/websocket';

/** The websocket URL of a broker base URL: http→ws, https→wss, path prefix kept. */
export function websocketUrl(brokerUrl: string): string {
  const url = new URL(brokerUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = url.pathname.replace(/\/+$/, '') + WEBSOCKET_PATH;
  url.search = '';
  return url.toString();
}


/** `ws` is loaded with the first subscription: only `watch` needs it, and loading it costs start-up time. */
let loadingWs: Promise<typeof WebSocket> | undefined;
const webSocketClass = () => (loadingWs ??= import('ws').then((m) => m.default));

export class WebsocketBrokerEvents implements BrokerEventSource {
  readonly url: string;
  readonly #ca: Buffer | undefined;

  constructor(private readonly options: BrokerEventsOptions) {
    this.url = websocketUrl(options.broker.url);
    this.#ca = options.caBundle === undefined ? undefined : readCaBundle(options.caBundle);
  }

  subscribe(onEvent: (event: BrokerEvent) => void, onState: (state: EventSourceState) => void): EventSubscription {
    const pingEvery = this.options.pingIntervalMs ?? 30_000;
    const pongWithin = this.options.pongTimeoutMs ?? 10_000;
    const initial = this.options.initialBackoffMs ?? 1000;
    const max = this.options.maxBackoffMs ?? 60_000;
    const random = this.options.random ?? Math.random;
    let stopped = false;
    let failures = 0;
    let socket: WebSocket | undefined;
    let retry: NodeJS.Timeout | undefined;
    let closedSocket: Promise<void> = Promise.resolve();

    const connect = () => {
      retry = undefined;
      void webSocketClass().then((Ws) => {
        if (!stopped) open(Ws);
      });
    };
    const open = (Ws: typeof WebSocket) => {
      const ws = new Ws(this.url, {
        headers: { Authorization: `Bearer ${this.options.broker.apiKey.reveal()}` },
        handshakeTimeout: pongWithin,
        maxPayload: 64 * MAX_FRAME_CHARS,
        perMessageDeflate: false,
        ...(this.#ca ? { ca: this.#ca } : {}),
      });
      socket = ws;
      closedSocket = new Promise((resolve) => ws.once('close', () => resolve()));
      let welcomed = false;
      let done = false;
      let pingTimer: NodeJS.Timeout | undefined;
      let pongTimer: NodeJS.Timeout | undefined;
      let sequence = 0;
      let awaited: string | undefined;
      const welcomeWithin = 2 * pongWithin; // the upgrade itself may take pongWithin
      const welcomeTimer = setTimeout(() => fail(`no welcome from the broker within ${welcomeWithin / 1000} s of connecting`), welcomeWithin);

      const fail = (reason: string) => {
        if (done) return;
        done = true;
        clearTimeout(welcomeTimer);
        clearInterval(pingTimer);
        clearTimeout(pongTimer);
        ws.terminate();
        if (stopped) return;
        const retryInMs = backoffDelay(failures, { firstMs: initial, maxMs: max, jitter: EQUAL_JITTER }, random());
        failures += 1;
        retry = setTimeout(connect, retryInMs);
        onState({ connected: false, reason: `the broker websocket ${this.url}: ${reason}`, retryInMs });
      };
      const ping = () => {
        if (awaited !== undefined) return;
        awaited = String(++sequence);
        ws.send(`ping ${awaited}`);
        pongTimer = setTimeout(() => fail(`no pong within ${pongWithin / 1000} s (a dead link)`), pongWithin);
      };

      // ws says "Invalid Sec-WebSocket-Accept" for a missing header and a wrong one alike; the answer tells them apart.
      let accept: 'missing' | 'present' | undefined;
      ws.on('upgrade', (response) => (accept = response.headers['sec-websocket-accept'] === undefined ? 'missing' : 'present'));
      ws.on('error', (error) => fail(describeSocketError(error, accept)));
      ws.on('close', (code) =>
        fail(welcomed ? `closed by the broker (code ${code})` : `closed by the broker before its welcome (code ${code}): [BROKER] API_KEY must be an admin key`),
      );
      ws.on('message', (data, binary) => {
        if (done) return;
        const event = parseBrokerFrame(binary ? '' : textOfFrame(data));
        if (event.kind === 'welcome') {
          if (welcomed) return;
          welcomed = true;
          failures = 0;
          clearTimeout(welcomeTimer);
          pingTimer = setInterval(ping, pingEvery);
          return onState({ connected: true });
        }
        if (event.kind === 'pong') {
          if (event.payload === awaited) {
            awaited = undefined;
            clearTimeout(pongTimer);
          }
          return;
        }
        onEvent(event);
      });
    };

    connect();
    return {
      close: async () => {
        stopped = true;
        clearTimeout(retry);
        const ws = socket;
        if (ws && ws.readyState !== ws.CLOSED) {
          if (ws.readyState === ws.OPEN) ws.close(1000);
          else ws.terminate();
          const force = setTimeout(() => ws.terminate(), 1000);
          await closedSocket;
          clearTimeout(force);
        }
      },
    };
  }
}

/**
 * ws's messages, explained. The broker refuses an unknown key with a 101 that has no
 * Sec-WebSocket-Accept; a header that is there but wrong is no key problem: whatever answered
 * does not speak WebSocket as the broker does (a proxy in the way, another server).
 */
export function describeSocketError(error: Error, accept?: 'missing' | 'present'): string {
  const code = (error as { code?: string }).code;
  if (/Sec-WebSocket-Accept/.test(error.message) && accept !== 'present') return 'the broker refused the handshake (no Sec-WebSocket-Accept): check [BROKER] API_KEY (an admin key)';
  if (/Sec-WebSocket-Accept/.test(error.message)) {
    return 'the upgrade answer carries a wrong Sec-WebSocket-Accept header: what answered is not a correct WebSocket server (a proxy between aktin-sftp and the broker?); the API key was not judged';
  }
  if (/Unexpected server response: (\d+)/.test(error.message)) return `${error.message.replace(/^Unexpected server response/, 'the upgrade was answered with HTTP')}`;
  if (code && /CERT|SELF_SIGNED|UNABLE_TO/.test(code)) return `the TLS certificate is not trusted (${code}): set REQUESTS_CA_BUNDLE to the broker's CA`;
  return code ? `${code}: ${error.message}` : error.message;
}


/** A text frame's bytes as text, however `ws` hands them over. */
function textOfFrame(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}

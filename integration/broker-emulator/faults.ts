/**
 * Fault injection for tests and benchmarks, off by default. Per route (or `any`): an error rate
 * and status, added latency, dropped connections, truncated bodies, a slow or stalling body, and
 * answers a proxy or a broken server could give: a 200 HTML page, a body that is not what the
 * route produced, a Content-Length that does not match the body.
 * Deterministic: each route draws from its own sequence seeded by `seed`, so the n-th request on
 * a route meets the same fate in every run whatever other routes see.
 */
import type { ServerResponse } from 'node:http';
import { rewritten } from './fault-answers.js';

/** Route names: the admin client's four, the rest of the API, and `any` for every route. */
export type FaultRoute =
  | 'filtered' | 'status' | 'export' | 'download'
  | 'list' | 'create' | 'definition' | 'request' | 'request-info' | 'delete' | 'publish' | 'close' | 'status-message'
  | 'nodes' | 'node' | 'broker-status' | 'my-list' | 'my-request' | 'my-delete' | 'node-status' | 'node-result' | 'my-node'
  | 'any';

export interface RouteFault {
  /** Share of requests answered with `status` instead (0..1). */
  readonly errorRate?: number;
  /** Status of an injected error; default 500. */
  readonly status?: number;
  /** Delay before the answer starts. */
  readonly latencyMs?: number;
  /** Destroy the socket without any answer (true: every request). */
  readonly drop?: boolean;
  /** Share of requests dropped (0..1). */
  readonly dropRate?: number;
  /** Announce the full Content-Length, send `truncateAt` of the body (default half), close. */
  readonly truncate?: boolean;
  readonly truncateAt?: number;
  /** Trickle the body: `chunkBytes` every `intervalMs` (a stall when intervalMs is long). */
  readonly slowBody?: { readonly chunkBytes: number; readonly intervalMs: number };
  /** Shorthand for slowBody with ten chunks a second. */
  readonly slowBodyBytesPerSecond?: number;
  /** Answer `200 text/html` with a login page instead, as a proxy in the way does. */
  readonly htmlPage?: boolean;
  /** Send these bytes instead of the route's body, under the route's headers (a non-zip "zip"). */
  readonly replaceBody?: string | Buffer;
  /**
   * Announce a Content-Length this many bytes larger (> 0: the whole body is sent, then the
   * connection closed short of it) or smaller (< 0: more body than announced) than the body.
   */
  readonly lengthMismatch?: number;
}

export interface FaultConfig {
  readonly seed?: number;
  readonly routes?: Partial<Record<FaultRoute, RouteFault>>;
}

export class Faults {
  #config: FaultConfig = {};
  #draws = new Map<FaultRoute, () => number>();

  set(config: FaultConfig): void {
    this.#config = config;
    this.#draws.clear();
  }

  for(route: FaultRoute): RouteFault {
    return { ...this.#config.routes?.any, ...this.#config.routes?.[route] };
  }

  /** Applies latency, drops and errors before a route runs; true when the request is done with. */
  async before(route: FaultRoute, response: ServerResponse): Promise<boolean> {
    const fault = this.for(route);
    if (!fault.latencyMs && !fault.drop && !fault.dropRate && !fault.errorRate) return false;
    const draw = this.#draw(route);
    const [dropDraw, errorDraw] = [draw(), draw()];
    if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault.drop || (fault.dropRate && dropDraw < fault.dropRate)) {
      response.socket?.destroy();
      return true;
    }
    if (fault.errorRate && errorDraw < fault.errorRate) {
      const body = Buffer.from('injected fault');
      response.writeHead(fault.status ?? 500, { 'Content-Type': 'text/plain', 'Content-Length': String(body.length) }).end(body);
      return true;
    }
    return false;
  }

  /** Sends an answer whose headers are set, its body truncated or slowly if the route says so. */
  async send(route: FaultRoute, response: ServerResponse, body: Buffer | undefined): Promise<void> {
    const fault = this.for(route);
    if (!body || body.length === 0 || response.req.method === 'HEAD') return void response.end(body);
    if (fault.htmlPage || fault.replaceBody !== undefined || fault.lengthMismatch) return rewritten(response, fault, body);
    if (fault.truncate) {
      response.write(body.subarray(0, Math.min(fault.truncateAt ?? Math.floor(body.length / 2), body.length - 1)));
      await new Promise((r) => setTimeout(r, 20));
      response.socket?.destroy();
      return;
    }
    const slow = fault.slowBody ?? (fault.slowBodyBytesPerSecond ? { chunkBytes: Math.max(1, Math.floor(fault.slowBodyBytesPerSecond / 10)), intervalMs: 100 } : undefined);
    if (!slow) return void response.end(body);
    for (let at = 0; at < body.length && !response.destroyed; at += slow.chunkBytes) {
      if (at > 0) await new Promise((r) => setTimeout(r, slow.intervalMs));
      if (!response.destroyed) response.write(body.subarray(at, at + slow.chunkBytes));
    }
    if (!response.destroyed) response.end();
  }

  #draw(route: FaultRoute): () => number {
    let draw = this.#draws.get(route);
    if (!draw) this.#draws.set(route, (draw = mulberry32(((this.#config.seed ?? 1) ^ hash(route)) >>> 0)));
    return draw;
  }
}

function hash(text: string): number {
  let h = 2166136261;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

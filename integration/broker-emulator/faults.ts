/**
 * Fault injection for tests and benchmarks, off by default: per route an error rate and
 * status, added latency, dropped connections, truncated bodies and a slow body.
 * Deterministic for a given seed.
 */
import type { ServerResponse } from 'node:http';

export type FaultRoute = 'filtered' | 'status' | 'export' | 'download' | 'any';

export interface RouteFault {
  /** Share of requests answered with `status` (0..1). */
  readonly errorRate?: number;
  readonly status?: number;
  readonly latencyMs?: number;
  /** Destroy the socket without any answer. */
  readonly drop?: boolean;
  /** Announce the full Content-Length, send half the body, close. */
  readonly truncate?: boolean;
  readonly slowBodyBytesPerSecond?: number;
}

export interface FaultConfig {
  readonly seed?: number;
  readonly routes?: Partial<Record<FaultRoute, RouteFault>>;
}

export class Faults {
  #config: FaultConfig = {};
  #random: () => number = mulberry32(1);

  set(config: FaultConfig): void {
    this.#config = config;
    this.#random = mulberry32(config.seed ?? 1);
  }

  for(route: FaultRoute): RouteFault {
    return { ...this.#config.routes?.any, ...this.#config.routes?.[route] };
  }

  /** Applies latency, errors and drops before a route runs; true when the request was answered. */
  async before(route: FaultRoute, response: ServerResponse): Promise<boolean> {
    const fault = this.for(route);
    if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault.drop) {
      response.socket?.destroy();
      return true;
    }
    if (fault.errorRate && this.#random() < fault.errorRate) {
      response.writeHead(fault.status ?? 500, { 'Content-Type': 'text/plain' }).end('injected fault');
      return true;
    }
    return false;
  }

  /** Sends a body, truncated or slowly if the route says so. */
  async send(route: FaultRoute, response: ServerResponse, body: Buffer): Promise<void> {
    const fault = this.for(route);
    if (fault.truncate) {
      response.write(body.subarray(0, Math.floor(body.length / 2)));
      await new Promise((r) => setTimeout(r, 10));
      response.socket?.destroy();
      return;
    }
    if (fault.slowBodyBytesPerSecond) {
      const step = Math.max(1, Math.floor(fault.slowBodyBytesPerSecond / 10));
      for (let at = 0; at < body.length && !response.destroyed; at += step) {
        response.write(body.subarray(at, at + step));
        await new Promise((r) => setTimeout(r, 100));
      }
      response.end();
      return;
    }
    response.end(body);
  }
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

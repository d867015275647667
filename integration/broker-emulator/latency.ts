/**
 * A broker at a distance, and how hard a client leans on it. Latency: every call waits
 * `latencyMs` (± `jitterMs`, from a seeded generator so runs repeat) before it is handled, as a
 * round trip to another data centre would; an export waits `exportLatencyMs` more (building the
 * zip on a real broker). The wait holds no CPU, so the emulator's busy time stays its own work.
 * Load: requests in flight (arrival to the last byte handed to the socket, or a closed
 * connection) and open connections, now and at their peak: what a shared broker must carry.
 */
import type { FaultRoute } from './faults.js';

export interface LatencyConfig {
  /** Added to every call, ms (a round trip). */
  readonly latencyMs?: number;
  /** Added to every export on top of latencyMs, ms. */
  readonly exportLatencyMs?: number;
  /** Each wait is drawn evenly from ±jitterMs around its mean (never below 0), ms. */
  readonly jitterMs?: number;
}

export interface InFlightLoad {
  readonly requests: number;
  readonly peakRequests: number;
  readonly connections: number;
  readonly peakConnections: number;
}

export class Latency {
  #config: LatencyConfig = {};
  #seed = 1;

  set(config: LatencyConfig): void {
    for (const [key, value] of Object.entries(config)) {
      if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new Error(`${key} must be a number of milliseconds ≥ 0, got ${String(value)}`);
    }
    this.#config = { ...config };
  }

  /** The wait for one call of this route, ms. */
  delayFor(route: FaultRoute): number {
    const { latencyMs = 0, exportLatencyMs = 0, jitterMs = 0 } = this.#config;
    const mean = latencyMs + (route === 'export' ? exportLatencyMs : 0);
    if (jitterMs === 0) return mean;
    this.#seed = (this.#seed * 1103515245 + 12345) >>> 0; // deterministic: a benchmark repeats
    return Math.max(0, mean + ((this.#seed / 2 ** 32) * 2 - 1) * jitterMs);
  }

  async wait(route: FaultRoute): Promise<void> {
    const ms = this.delayFor(route);
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

export class InFlight {
  #requests = 0;
  #peakRequests = 0;
  #connections = 0;
  #peakConnections = 0;

  /** A request arrived; the returned function, called once or more, marks it answered. */
  request(): () => void {
    this.#requests += 1;
    this.#peakRequests = Math.max(this.#peakRequests, this.#requests);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#requests -= 1;
    };
  }

  connection(): () => void {
    this.#connections += 1;
    this.#peakConnections = Math.max(this.#peakConnections, this.#connections);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#connections -= 1;
    };
  }

  load(): InFlightLoad {
    return { requests: this.#requests, peakRequests: this.#peakRequests, connections: this.#connections, peakConnections: this.#peakConnections };
  }

  /** Peaks start again from what is in flight now (between runs of a benchmark). */
  resetPeaks(): void {
    this.#peakRequests = this.#requests;
    this.#peakConnections = this.#connections;
  }
}

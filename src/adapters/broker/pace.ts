/**
 * How slow a bundle download may be. Bundles can be large and the link slow, so there is no
 * total deadline; instead, on a clock that runs only while we wait for the broker (time the
 * consumer holds the stream back, e.g. behind a slow SFTP upload, never counts):
 * - idle: no byte for TIMEOUT fails (the broker went silent);
 * - rate: every window of 3 × TIMEOUT must bring at least 1 KiB per second of it (30 KiB in 30 s
 *   with the default TIMEOUT of 10 s). A body that drips a byte every half second fails after one
 *   window; a slow but steady transfer (any real link does far more than 1 KiB/s) never does,
 *   however large the bundle. A body that ends inside a window is never judged by it.
 */
export const MIN_BYTES_PER_SECOND = 1024;
export const RATE_WINDOW_TIMEOUTS = 3;

export class Pace {
  readonly #idleMs: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  /** Waiting time accumulated before `#since`; `#since` is set while we wait. */
  #waited = 0;
  #since: number | undefined;
  #lastByteAt = 0;
  #windowStart = 0;
  #windowBytes = 0;

  constructor(timeoutMs: number, now: () => number = () => performance.now()) {
    this.#idleMs = timeoutMs;
    this.#windowMs = RATE_WINDOW_TIMEOUTS * timeoutMs;
    this.#now = now;
    this.#since = now();
  }

  /** The consumer holds the stream back: the broker's clock stops. */
  hold(): void {
    if (this.#since === undefined) return;
    this.#waited += this.#now() - this.#since;
    this.#since = undefined;
  }

  /** The consumer wants data again. */
  want(): void {
    this.#since ??= this.#now();
  }

  received(bytes: number): void {
    this.#lastByteAt = this.#waiting();
    this.#windowBytes += bytes;
  }

  /** Why the broker is too slow, or undefined. */
  verdict(): string | undefined {
    const waited = this.#waiting();
    if (waited - this.#lastByteAt >= this.#idleMs) return `no data for ${seconds(this.#idleMs)} s`;
    if (waited - this.#windowStart < this.#windowMs) return undefined;
    const needed = Math.ceil((MIN_BYTES_PER_SECOND * this.#windowMs) / 1000);
    if (this.#windowBytes < needed) return `only ${this.#windowBytes} bytes in ${seconds(this.#windowMs)} s (3 × TIMEOUT), less than the 1 KiB/s a download must keep up`;
    this.#windowStart = waited;
    this.#windowBytes = 0;
    return undefined;
  }

  #waiting(): number {
    return this.#waited + (this.#since === undefined ? 0 : this.#now() - this.#since);
  }
}

export function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

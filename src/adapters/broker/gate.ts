/**
 * The bound on calls in flight at the broker ([BROKER] CONCURRENCY), shared by every call of a
 * run: status reads, the request list, exports and downloads. A call holds its slot from before
 * it is sent until its request closes (a download: until its body is read or dropped), so the
 * broker never carries more, whatever mix of stages is running. Waiting for a slot is not part
 * of a call's deadline: the clock starts when it is sent. Hand-written rather than p-limit, whose
 * slot ends with a task's promise; ours ends with a socket event after the promise resolved.
 */
export class BrokerGate {
  readonly #limit: number;
  #inFlight = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, Math.floor(limit));
  }

  /** Resolves with the slot's release (idempotent) once a slot is free; slots go first come, first served. */
  async acquire(): Promise<() => void> {
    if (this.#inFlight >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next(); // the slot passes on: #inFlight stays
      else this.#inFlight -= 1;
    };
  }
}

/**
 * The ledger as the applier holds it: one in-memory copy, changed by one writer at a time and
 * recorded durably (a journal record, by the LedgerStore) after every change, so a crash loses
 * at most the action in flight — which the `pending` marks make recognisable. flush() makes the
 * ledger file itself current: before it is published, and at the end of every run.
 */
import type { Ledger } from '../core/model.js';
import type { LedgerSnapshot, LedgerStore } from './ports.js';

export class LedgerWriter {
  #snapshot: LedgerSnapshot;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: LedgerStore,
    initial: LedgerSnapshot,
  ) {
    this.#snapshot = initial;
  }

  get current(): LedgerSnapshot {
    return this.#snapshot;
  }

  /** Applies `change` to the latest ledger and writes it; changes run strictly one after another. */
  update(change: (ledger: Ledger) => Ledger): Promise<LedgerSnapshot> {
    const run = this.#queue.then(async () => {
      const next = change(this.#snapshot.ledger);
      if (next === this.#snapshot.ledger) return this.#snapshot;
      this.#snapshot = await this.store.write(next);
      return this.#snapshot;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Writes the ledger file with every change recorded so far (after the changes queued before it). */
  flush(): Promise<LedgerSnapshot> {
    const run = this.#queue.then(async () => (this.#snapshot = await this.store.flush()));
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

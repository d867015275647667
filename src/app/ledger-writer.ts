/**
 * The ledger as the applier holds it: one in-memory view, changed by one writer at a time and
 * recorded durably (a journal record, by the LedgerStore) after every step, so a crash loses
 * at most the action in flight — which the `pending` marks make recognisable. A step costs
 * what it changes: the view finds entries by id, and the store records the step alone.
 * flush() makes the ledger file itself current: before it is published, and at the end of
 * every run.
 */
import type { LedgerChange, LedgerView } from '../core/ledger-transitions.js';
import type { LedgerEntry, RequestId } from '../core/model.js';
import type { LedgerSnapshot, LedgerStore } from './ports.js';

export class LedgerWriter implements LedgerView {
  #snapshot: LedgerSnapshot;
  #plan: string | undefined;
  #pending: readonly string[];
  readonly #entries: Map<RequestId, LedgerEntry>;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: LedgerStore,
    initial: LedgerSnapshot,
  ) {
    this.#snapshot = initial;
    this.#plan = initial.ledger.plan;
    this.#pending = initial.ledger.pending ?? [];
    this.#entries = new Map(initial.ledger.entries.map((e) => [e.id, e] as const));
  }

  get plan(): string | undefined {
    return this.#plan;
  }

  get pending(): readonly string[] {
    return this.#pending;
  }

  entry(id: RequestId): LedgerEntry | undefined {
    return this.#entries.get(id);
  }

  /** The ledger file as the last flush() left it. */
  get current(): LedgerSnapshot {
    return this.#snapshot;
  }

  /** The bytes of `current`, read now (a snapshot does not hold them). */
  currentBytes(): Promise<Buffer | null> {
    return this.store.bytes(this.#snapshot);
  }

  /** Records the step `change` makes of the latest ledger; steps run strictly one after another, and the view moves only once a step is durable. */
  update(change: (ledger: LedgerView) => LedgerChange | null): Promise<void> {
    const run = this.#queue.then(async () => {
      const step = change(this);
      if (step === null) return;
      await this.store.record(step);
      this.#plan = step.plan;
      this.#pending = step.pending;
      if (step.entry) this.#entries.set(step.entry.id, step.entry);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Writes the ledger file with every step recorded so far (after the steps queued before it). */
  flush(): Promise<LedgerSnapshot> {
    const run = this.#queue.then(async () => (this.#snapshot = await this.store.flush()));
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/**
 * What every step of one apply shares, bound once when the apply starts: the plan's id (it names
 * the temporary files and marks the ledger's pending and finished steps), the remote folder, the
 * ledger as the applier holds it, the clock and the event sink.
 */
import type { LedgerWriter } from './ledger-writer.js';
import type { Clock, EventSink, RemoteFolder } from './ports.js';

export interface ApplyContext {
  readonly planId: string;
  readonly remote: RemoteFolder;
  readonly ledger: LedgerWriter;
  readonly clock: Clock;
  readonly events: EventSink;
}

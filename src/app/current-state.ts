/**
 * The world as it is now: broker snapshot, ledger and one SFTP listing, read concurrently,
 * with the fingerprints a plan pins. Read-only.
 */
import { planInputsOf } from '../core/digests.js';
import type { BrokerSnapshot, RemoteListing } from '../core/model.js';
import type { PlanInputs } from '../core/plan.js';
import type { BrokerReader, LedgerSnapshot, LedgerStore, RemoteFolder } from './ports.js';
import { readActualState, readDesiredState } from './read-state.js';

export interface CurrentSnapshot {
  readonly ledger: LedgerSnapshot;
  readonly listing: RemoteListing;
  readonly snapshot: BrokerSnapshot;
  readonly inputs: PlanInputs;
}

export async function readCurrentState(
  deps: { broker: BrokerReader; remote: RemoteFolder; ledgerStore: LedgerStore },
  tag: string,
): Promise<CurrentSnapshot> {
  const [snapshot, actual] = await Promise.all([
    readDesiredState(deps.broker, tag),
    readActualState(deps.ledgerStore, deps.remote),
  ]);
  return { snapshot, ...actual, inputs: planInputsOf(snapshot, actual.ledger, actual.listing) };
}

/**
 * An observation: the world as one run saw it — the broker's tagged requests, the ledger and
 * one listing of the SFTP folder. Produced once per run by the observe use case, then read by
 * the planner, by plan freshness and by drift, so that every decision in a run rests on the
 * same facts. Plain data.
 */
import { planInputsOf } from './digests.js';
import type { BrokerSnapshot, Ledger, RemoteListing } from './model.js';
import type { PlanInputs } from './plan.js';

/** The ledger file as read: parsed, with the exact bytes its fingerprint is taken over. */
export interface LedgerSnapshot {
  readonly ledger: Ledger;
  /**
   * sha256 hex of the ledger file's exact bytes, null when there is no ledger file yet. The bytes
   * themselves are not held (at 100,000 entries ~46 MB that only publishing needs): the ledger
   * port reads or formats them when asked (`LedgerFile.bytes`).
   */
  readonly sha256: string | null;
}

/** What the tool's own side holds: the ledger and the remote folder. Enough for drift. */
export interface ActualState {
  readonly ledger: LedgerSnapshot;
  /** Where the ledger lives, for messages. */
  readonly ledgerPath: string;
  readonly listing: RemoteListing;
}

export interface Observation extends ActualState {
  readonly broker: BrokerSnapshot;
}

/** The fingerprints a plan pins of an observation. */
export function inputsOf(observation: Observation): PlanInputs {
  return planInputsOf(observation.broker, observation.ledger, observation.listing);
}

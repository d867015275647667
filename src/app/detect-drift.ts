/**
 * The drift use case: compares the ledger with one listing of the SFTP folder. Read-only and
 * broker-free, so it can run often (monitoring) without load on the broker.
 */
import { detectDrift, type DriftItem } from '../core/drift.js';
import type { LedgerEntry } from '../core/model.js';
import type { LedgerStore, RemoteFolder } from './ports.js';
import { readActualState } from './read-state.js';

export interface DriftReport {
  readonly items: readonly DriftItem[];
  /** Live ledger entries checked. */
  readonly checked: number;
  readonly ledgerPath: string;
}

export async function findDrift(deps: { ledgerStore: LedgerStore; remote: RemoteFolder }): Promise<DriftReport> {
  const { ledger, listing } = await readActualState(deps.ledgerStore, deps.remote);
  return {
    items: detectDrift(ledger, listing),
    checked: ledger.ledger.entries.filter((entry: LedgerEntry) => entry.deleted === undefined).length,
    ledgerPath: deps.ledgerStore.path,
  };
}

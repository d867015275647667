/**
 * The drift use case: compares the ledger with one listing of the SFTP folder. Read-only and
 * broker-free, so it can run often (monitoring) without load on the broker.
 */
import { detectDrift, type DriftItem } from '../core/drift.js';
import { observeActual } from './observe.js';
import type { World } from './ports.js';

export interface DriftReport {
  readonly items: readonly DriftItem[];
  /** Live ledger entries checked. */
  readonly checked: number;
  readonly ledgerPath: string;
}

export async function findDrift(world: World): Promise<DriftReport> {
  const connection = await world.connect();
  try {
    const actual = await observeActual({ remote: connection.remote, ledgerStore: world.ledgerStore });
    return {
      items: detectDrift(actual.ledger, actual.listing),
      checked: actual.ledger.ledger.entries.filter((entry) => entry.deleted === undefined).length,
      ledgerPath: actual.ledgerPath,
    };
  } finally {
    await connection.close();
  }
}

/**
 * The ledger use case (Terraform's `state list`): what the ledger holds, read without the
 * network and without writing (a journal left by a crash is replayed in memory only).
 */
import type { LedgerEntry } from '../core/model.js';
import type { World } from './ports.js';

export interface LedgerInspection {
  readonly path: string;
  readonly exists: boolean;
  readonly lineage: string | null;
  readonly serial: number;
  readonly entries: readonly (LedgerEntry & { readonly state: 'uploaded' | 'deleted' | 'pending' })[];
}

export async function inspectLedger(world: Pick<World, 'ledgerStore'>): Promise<LedgerInspection> {
  const { ledger, sha256 } = await world.ledgerStore.read();
  const pending = new Set(ledger.pending ?? []);
  return {
    path: world.ledgerStore.path,
    exists: sha256 !== null,
    lineage: ledger.lineage ?? null,
    serial: ledger.serial,
    entries: ledger.entries.map((e) => ({ ...e, state: pending.has(`export_${e.id}.zip`) ? 'pending' : e.deleted !== undefined ? 'deleted' : 'uploaded' })),
  };
}

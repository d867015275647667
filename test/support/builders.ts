/** Builders for the domain model and the planner's input, with a fixed clock and short defaults. */
import type { BrokerRequest, BrokerSnapshot, Ledger, LedgerEntry, RemoteFile, RemoteListing } from '../../src/core/model.js';
import type { Observation } from '../../src/core/observation.js';
import type { PlanOptions } from '../../src/core/plan.js';
import type { PlannerInput } from '../../src/core/planner.js';

/** A 64-digit hex string of one repeated digit: a readable stand-in for a sha256. */
export const hex = (digit: string): string => digit.repeat(64);

export const FIXED_NOW = new Date('2026-11-24T10:00:00Z');
export const PLAN_UUID = '0a1b2c3d-1111-4222-8333-444455556666';
export const NO_LIMITS: PlanOptions = { max_delete: null, allow_mass_delete: false, prune_orphans: false };

export function brokerRequest(id: string, completion = '1.0', fingerprint = hex('a')): BrokerRequest {
  return { id, completion, fingerprint, nodes: 1, completed: completion === '0.0' ? 0 : 1 };
}

/** A ledger entry as the original tool writes it: no fingerprint, no token size. */
export function legacyEntry(id: string, completion = '1.0', extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return { id, completion, uploaded: '2026-01-01 00:00:00', ...extra };
}

/** A ledger entry aktin-sftp wrote: fingerprint hex('a') and a 140-byte token unless changed. */
export function trackedEntry(id: string, completion = '1.0', extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return legacyEntry(id, completion, { fingerprint: hex('a'), tokenSize: 140, ...extra });
}

export function tombstone(id: string, completion = '1.0'): LedgerEntry {
  return legacyEntry(id, completion, { deleted: '2026-01-02 00:00:00' });
}

export function remoteFile(name: string, size = 140, mtime = 1000): RemoteFile {
  return { name, size, mtime };
}

export function exportFiles(...ids: string[]): RemoteFile[] {
  return ids.map((id) => remoteFile(`export_${id}.zip`));
}

export interface WorldSketch {
  readonly requests?: readonly BrokerRequest[];
  readonly entries?: readonly LedgerEntry[];
  readonly files?: readonly RemoteFile[];
  readonly options?: Partial<PlanOptions>;
  /** sha256 of the local ledger file; defaults to hex('1') when there are entries, else null (no file). */
  readonly ledgerSha256?: string | null;
  /** sha256 of the remote status.xml; set only when `files` holds one. */
  readonly remoteLedgerSha256?: string;
  readonly tag?: string;
}

export function plannerInput(world: WorldSketch = {}): PlannerInput {
  const entries = world.entries ?? [];
  const ledger: Ledger = { lineage: '5c1f7d2a-8e43-4b0b-9d6e-2f0a3c4b5d6e', serial: 2, entries };
  const tag = world.tag ?? 'rki';
  const sha256 = world.ledgerSha256 !== undefined ? world.ledgerSha256 : entries.length > 0 ? hex('1') : null;
  return {
    observation: observationOf({
      broker: { tag, requests: world.requests ?? [] },
      ledger,
      ledgerSha256: sha256,
      listing: { files: world.files ?? [], ...(world.remoteLedgerSha256 === undefined ? {} : { ledgerSha256: world.remoteLedgerSha256 }) },
    }),
    options: { ...NO_LIMITS, ...world.options },
    context: { planId: PLAN_UUID, createdAt: FIXED_NOW, toolVersion: '0.1.0', configSha256: hex('c'), tag, folder: 'rki', remote: 'sftp://sftp.example.org/rki' },
  };
}

/** An observation of plain parts; the ledger's bytes are a stand-in (only their digest is read). */
export function observationOf(parts: { broker: BrokerSnapshot; ledger: Ledger; ledgerSha256: string | null; listing: RemoteListing }): Observation {
  return {
    broker: parts.broker,
    ledger: { ledger: parts.ledger, sha256: parts.ledgerSha256 },
    ledgerPath: '/opt/status.xml',
    listing: parts.listing,
  };
}

/**
 * Drift: differences between what the ledger says was uploaded and what the SFTP folder
 * holds, found without the broker — files removed or changed behind the tool's back,
 * orphans, leftovers of interrupted uploads, a stale remote ledger copy.
 * Sizes are enough to prove a file complete because a Fernet token's size is predictable.
 */
import type { Ledger, RemoteFile, RemoteListing } from './model.js';
import { LEDGER_FILE_NAME, exportFileName, isTempFileName, requestIdOfExportFile } from './remote-names.js';

export type DriftKind =
  | 'missing'
  | 'size_mismatch'
  | 'orphan'
  | 'stray_temp'
  | 'remote_ledger_missing'
  | 'remote_ledger_stale'
  /** A directory, symlink or other non-file under a name the tool writes: it blocks that request. */
  | 'obstacle'
  /** A file the tool does not own (another name): reported, never touched, and no drift by itself. */
  | 'foreign';

/** Whether a finding is drift (exit 2): a foreign file is only reported. */
export function isDrift(item: DriftItem): boolean {
  return item.kind !== 'foreign';
}

export interface DriftItem {
  readonly kind: DriftKind;
  /** The remote file concerned, relative to the folder. */
  readonly name: string;
  readonly request_id: string | null;
  readonly expected_size: number | null;
  readonly actual_size: number | null;
}

export function detectDrift(ledger: { ledger: Ledger; sha256: string | null }, listing: RemoteListing): DriftItem[] {
  const files = new Map(listing.files.map((f) => [f.name, f] as const));
  const live = ledger.ledger.entries.filter((e) => e.deleted === undefined);
  const liveIds = new Set(live.map((e) => e.id));
  const items: DriftItem[] = [];

  const blocked = new Set((listing.obstacles ?? []).map((o) => o.name));
  for (const entry of live) {
    const name = exportFileName(entry.id);
    if (blocked.has(name)) continue; // reported as the obstacle it is, below
    const file = files.get(name);
    const expected = entry.tokenSize ?? null;
    if (!file) items.push(item('missing', name, entry.id, expected, null));
    else if (expected !== null && file.size !== expected) items.push(item('size_mismatch', name, entry.id, expected, file.size));
  }
  for (const file of sortedByName(listing.files)) {
    const id = requestIdOfExportFile(file.name);
    if (id !== null && !liveIds.has(id)) items.push(item('orphan', file.name, id, null, file.size));
    if (isTempFileName(file.name)) items.push(item('stray_temp', file.name, null, null, file.size));
    if (id === null && !isTempFileName(file.name) && file.name !== LEDGER_FILE_NAME) items.push(item('foreign', file.name, null, null, file.size));
  }
  for (const obstacle of listing.obstacles ?? []) items.push(item('obstacle', obstacle.name, requestIdOfExportFile(obstacle.name), null, null));
  if (ledger.sha256 !== null) {
    const remoteLedger = files.get(LEDGER_FILE_NAME);
    if (!remoteLedger) items.push(item('remote_ledger_missing', LEDGER_FILE_NAME, null, null, null));
    else if (listing.ledgerSha256 !== ledger.sha256) {
      items.push(item('remote_ledger_stale', LEDGER_FILE_NAME, null, null, remoteLedger.size));
    }
  }
  return items;
}

function item(kind: DriftKind, name: string, id: string | null, expected: number | null, actual: number | null): DriftItem {
  return { kind, name, request_id: id, expected_size: expected, actual_size: actual };
}

function sortedByName(files: readonly RemoteFile[]): RemoteFile[] {
  return [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

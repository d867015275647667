/**
 * Drift: differences between what the ledger says was uploaded and what the SFTP folder
 * holds, found without the broker — files removed or changed behind the tool's back,
 * orphans, leftovers of interrupted uploads (also a request's file under the name of the scheme
 * it is no longer sealed with), a stale remote ledger copy.
 * Sizes are enough to prove a file complete because an encrypted file's size follows from its
 * bundle's; a file changed in place at the same size is found only by `--checksum`, which
 * compares the remote bytes with the SHA-256 the ledger recorded at upload.
 */
import type { Ledger, RemoteFile, RemoteListing } from './model.js';
import { LEDGER_FILE_NAME, entryFileName, isTempFileName, requestIdOfExportFile } from './remote-names.js';

export type DriftKind =
  | 'missing'
  | 'size_mismatch'
  | 'orphan'
  /** A live request's file under another scheme's name, left by a change of scheme that did not finish. */
  | 'superseded'
  | 'stray_temp'
  | 'remote_ledger_missing'
  | 'remote_ledger_stale'
  /** A directory, symlink or other non-file under a name the tool writes: it blocks that request. */
  | 'obstacle'
  /** A file the tool does not own (another name): reported, never touched, and no drift by itself. */
  | 'foreign'
  /** --checksum: the right size, other bytes than the uploaded token's. */
  | 'content_mismatch'
  /** --checksum: the ledger has no token digest for it (written by the original tool); only reported. */
  | 'not_checkable';

/** Whether a finding is drift (exit 2): a foreign file or one without a digest is only reported. */
export function isDrift(item: DriftItem): boolean {
  return item.kind !== 'foreign' && item.kind !== 'not_checkable';
}

export interface DriftItem {
  readonly kind: DriftKind;
  /** The remote file concerned, relative to the folder. */
  readonly name: string;
  readonly request_id: string | null;
  readonly expected_size: number | null;
  readonly actual_size: number | null;
  /** content_mismatch only: the token digest the ledger recorded, and that of the remote bytes. */
  readonly expected_sha256?: string;
  readonly actual_sha256?: string;
}

/** A file --checksum reads: an owned export of a live entry, present with the recorded size. */
export interface ContentCheck {
  readonly name: string;
  readonly request_id: string;
  readonly expected_sha256: string;
  /** null when the ledger recorded no size (the digest still decides). */
  readonly expected_size: number | null;
}

/** What reading a file gave: its digest and length, or null when it was gone by then. */
export type ContentRead = { readonly sha256: string; readonly bytes: number } | null;

/**
 * The files whose content --checksum compares, and the entries it cannot check (no digest in
 * the ledger). Files already found missing, wrong-sized or blocked are not read: their drift
 * is known without it.
 */
export function contentChecks(ledger: Ledger, listing: RemoteListing): { checks: ContentCheck[]; notCheckable: DriftItem[] } {
  const files = new Map(listing.files.map((f) => [f.name, f] as const));
  const blocked = new Set((listing.obstacles ?? []).map((o) => o.name));
  const checks: ContentCheck[] = [];
  const notCheckable: DriftItem[] = [];
  for (const entry of ledger.entries) {
    if (entry.deleted !== undefined) continue;
    const name = entryFileName(entry);
    const file = files.get(name);
    const expected = entry.tokenSize ?? null;
    if (blocked.has(name) || !file || (expected !== null && file.size !== expected)) continue;
    if (entry.tokenSha256 === undefined) notCheckable.push(item('not_checkable', name, entry.id, expected, file.size));
    else checks.push({ name, request_id: entry.id, expected_sha256: entry.tokenSha256, expected_size: expected });
  }
  return { checks, notCheckable };
}

/** The finding of one content check, null when the bytes are the uploaded token's. */
export function contentFinding(check: ContentCheck, read: ContentRead): DriftItem | null {
  const { name, request_id: id, expected_size: expected } = check;
  // Changed between the listing and the read: the same findings a listing would have given.
  if (read === null) return item('missing', name, id, expected, null);
  if (expected !== null && read.bytes !== expected) return item('size_mismatch', name, id, expected, read.bytes);
  if (read.sha256 === check.expected_sha256) return null;
  return { ...item('content_mismatch', name, id, expected, read.bytes), expected_sha256: check.expected_sha256, actual_sha256: read.sha256 };
}
export function detectDrift(ledger: { ledger: Ledger; sha256: string | null }, listing: RemoteListing): DriftItem[] {
  const files = new Map(listing.files.map((f) => [f.name, f] as const));
  const live = ledger.ledger.entries.filter((e) => e.deleted === undefined);
  const liveNames = new Map(live.map((e) => [e.id, entryFileName(e)] as const));
  const items: DriftItem[] = [];

  const blocked = new Set((listing.obstacles ?? []).map((o) => o.name));
  for (const entry of live) {
    const name = entryFileName(entry);
    if (blocked.has(name)) continue; // reported as the obstacle it is, below
    const file = files.get(name);
    const expected = entry.tokenSize ?? null;
    if (!file) items.push(item('missing', name, entry.id, expected, null));
    else if (expected !== null && file.size !== expected) items.push(item('size_mismatch', name, entry.id, expected, file.size));
  }
  for (const file of sortedByName(listing.files)) {
    const id = requestIdOfExportFile(file.name);
    const current = id === null ? undefined : liveNames.get(id);
    if (id !== null && current === undefined) items.push(item('orphan', file.name, id, null, file.size));
    if (current !== undefined && current !== file.name) items.push(item('superseded', file.name, id, null, file.size));
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

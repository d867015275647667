/**
 * The ledger journal `status.xml.journal` as bytes: one line per record, each line
 * `<16 hex digits of its sha256> <JSON>\n`, so a record is whole or recognisably not. Line 1
 * names the status.xml it continues (its sha256, lineage and serial); every other line is one
 * store.write() (the entries it inserted or changed, and the root fields as they are after it),
 * or the mark a fold leaves just before it replaces status.xml. Pure; docs/ledger-format.md.
 */
import { createHash } from 'node:crypto';
import type { Ledger, LedgerEntry } from '../core/model.js';

export const JOURNAL_KIND = 'aktin-sftp ledger journal';

export interface JournalBase {
  /** sha256 of the status.xml the journal continues; null when there was none. */
  readonly sha256: string | null;
  readonly lineage: string | null;
  readonly serial: number;
}

/** One store.write(): the ledger after it is the ledger before it with these changes. */
export interface ChangeRecord {
  readonly serial: number;
  readonly lineage: string;
  readonly plan: string | null;
  readonly pending: readonly string[];
  /** Entries inserted (an id not in the ledger yet, appended) or replaced whole. */
  readonly upsert: readonly LedgerEntry[];
  /** Ids whose entries were removed. */
  readonly drop: readonly string[];
}

export type JournalRecord = { readonly base: JournalBase } | { readonly change: ChangeRecord } | { readonly folded: string };

export function encodeRecord(record: JournalRecord): Buffer {
  const json = JSON.stringify('base' in record ? { journal: JOURNAL_KIND, version: 1, ...record } : record);
  return Buffer.from(`${checksum(json)} ${json}\n`, 'utf8');
}

export interface DecodedLine {
  readonly line: number;
  /** Byte offset just after the line's LF. */
  readonly end: number;
  readonly record: unknown;
}

/**
 * Splits the journal into whole, intact lines. A last line without its LF, or whose checksum
 * fails with nothing after it, is a record torn by a kill mid-append: it never happened, and
 * `validLength` ends before it. A damaged line with intact lines after it is not a torn
 * append: `damagedLine` names it.
 */
export function decodeLines(bytes: Buffer): { lines: DecodedLine[]; validLength: number; damagedLine?: number } {
  const lines: DecodedLine[] = [];
  let start = 0;
  let lineNo = 0;
  let damaged: number | undefined;
  while (start < bytes.length) {
    const lf = bytes.indexOf(0x0a, start);
    if (lf < 0) break; // torn: the LF is the last byte of every append
    lineNo++;
    const record = parseLine(bytes.toString('utf8', start, lf));
    if (record === undefined) {
      if (damaged === undefined) damaged = lineNo;
    } else if (damaged !== undefined) {
      return { lines, validLength: lines.at(-1)?.end ?? 0, damagedLine: damaged };
    } else lines.push({ line: lineNo, end: lf + 1, record });
    start = lf + 1;
  }
  return { lines, validLength: lines.at(-1)?.end ?? 0 };
}

function parseLine(text: string): unknown {
  const space = text.indexOf(' ');
  if (space !== 16) return undefined;
  const json = text.slice(17);
  if (checksum(json) !== text.slice(0, 16)) return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

function checksum(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 16);
}

/**
 * The record that turns `before` into `after`, or null when the change is not a journal
 * record (entries reordered): the store then writes status.xml whole. Entries are compared by
 * identity first, as the ledger transitions keep unchanged entries as they are: O(entries)
 * comparisons, O(change) bytes.
 */
export function changeBetween(before: Ledger, beforeIds: ReadonlyMap<string, unknown>, after: Ledger, serial: number, lineage: string): ChangeRecord | null {
  const upsert: LedgerEntry[] = [];
  const a = before.entries;
  const b = after.entries;
  let kept: readonly LedgerEntry[] = a;
  const drop: string[] = [];
  let inPlace = b.length >= a.length;
  for (let i = 0; inPlace && i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (x.id !== y.id) inPlace = false;
    else if (!sameEntry(x, y)) upsert.push(y);
  }
  if (!inPlace) {
    // Entries removed (or reordered): what stays must keep its order, new entries come last.
    upsert.length = 0;
    const afterIds = new Set(b.map((e) => e.id));
    kept = a.filter((e) => afterIds.has(e.id));
    drop.push(...a.filter((e) => !afterIds.has(e.id)).map((e) => e.id));
    if (b.length < kept.length || kept.some((e, i) => e.id !== b[i]!.id)) return null;
    for (let i = 0; i < kept.length; i++) if (kept[i] !== b[i] && !sameEntry(kept[i]!, b[i]!)) upsert.push(b[i]!);
  }
  const keptIds: ReadonlyMap<string, unknown> | Set<string> = kept === a ? beforeIds : new Set(kept.map((e) => e.id));
  const added = new Set<string>();
  for (let i = kept.length; i < b.length; i++) {
    if (keptIds.has(b[i]!.id) || added.has(b[i]!.id)) return null; // a repeated id: formatLedgerXml names it
    added.add(b[i]!.id);
    upsert.push(b[i]!);
  }
  return { serial, lineage, plan: after.plan ?? null, pending: after.pending ?? [], upsert, drop };
}

/** The ledger after `change`; throws a plain Error (the caller names the line) for a drop of an unknown id. */
export function applyChange(ledger: { entries: LedgerEntry[]; index: Map<string, number> }, change: ChangeRecord): void {
  if (change.drop.length > 0) {
    const dropped = new Set(change.drop);
    for (const id of dropped) if (!ledger.index.has(id)) throw new Error(`it removes request ${id}, which the ledger does not hold`);
    ledger.entries = ledger.entries.filter((e) => !dropped.has(e.id));
    ledger.index = new Map(ledger.entries.map((e, i) => [e.id, i] as const));
  }
  for (const entry of change.upsert) {
    const at = ledger.index.get(entry.id);
    if (at === undefined) {
      ledger.index.set(entry.id, ledger.entries.length);
      ledger.entries.push(entry);
    } else ledger.entries[at] = entry;
  }
}

function sameEntry(x: LedgerEntry, y: LedgerEntry): boolean {
  const kx = Object.keys(x);
  if (kx.length !== Object.keys(y).length) return false;
  return kx.every((k) => (x as unknown as Record<string, unknown>)[k] === (y as unknown as Record<string, unknown>)[k]);
}

/**
 * The ledger journal `status.xml.journal` as bytes: one line per record, each line
 * `<16 hex digits of its sha256> <JSON>\n`, so a record is whole or recognisably not. Line 1
 * names the status.xml it continues (its sha256, lineage and serial); every other line is one
 * store.write() or record() (the entries it inserted or changed, and the root fields as they are after it),
 * or the mark a fold leaves just before it replaces status.xml. Pure; docs/ledger-format.md.
 */
import { createHash } from 'node:crypto';
import type { LedgerEntry } from '../../core/model.js';

export const JOURNAL_KIND = 'aktin-sftp ledger journal';

export interface JournalBase {
  /** sha256 of the status.xml the journal continues; null when there was none. */
  readonly sha256: string | null;
  readonly lineage: string | null;
  readonly serial: number;
}

/** One store.write() or record(): the ledger after it is the ledger before it with these changes. */
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
 * Splits the journal into whole, intact lines. A kill tears at most the last append: a last
 * line without its LF, or one whole last line whose checksum fails, never happened, and
 * `validLength` ends before it. Anything more is damage that `damagedLine` names: a damaged
 * line with intact lines after it, two or more damaged lines, or a journal none of whose
 * whole lines is intact.
 */
export function decodeLines(bytes: Buffer): { lines: DecodedLine[]; validLength: number; damagedLine?: number } {
  const lines: DecodedLine[] = [];
  let start = 0;
  let lineNo = 0;
  let damaged: number | undefined;
  let damagedCount = 0;
  while (start < bytes.length) {
    const lf = bytes.indexOf(0x0a, start);
    if (lf < 0) break; // torn: the LF is the last byte of every append
    lineNo++;
    const record = parseLine(bytes.toString('utf8', start, lf));
    if (record === undefined) {
      damaged ??= lineNo;
      damagedCount++;
    } else if (damaged !== undefined) {
      return { lines, validLength: lines.at(-1)?.end ?? 0, damagedLine: damaged };
    } else lines.push({ line: lineNo, end: lf + 1, record });
    start = lf + 1;
  }
  const validLength = lines.at(-1)?.end ?? 0;
  if (damaged !== undefined && (damagedCount > 1 || lines.length === 0)) return { lines, validLength, damagedLine: damaged };
  return { lines, validLength };
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

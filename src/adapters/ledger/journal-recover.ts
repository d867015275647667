/**
 * Recovery: what the ledger is, given status.xml and the journal beside it. The journal's base
 * line names the status.xml it continues; its records are replayed onto that. A journal whose
 * fold already replaced status.xml (its `folded` mark holds status.xml's sha256) continues from
 * there. Anything else is a journal that does not belong to this status.xml. Pure.
 */
import type { Ledger, LedgerEntry } from '../../core/model.js';
import { applyChange } from './journal-change.js';
import { decodeLines, JOURNAL_KIND, type ChangeRecord, type JournalBase } from './journal-format.js';
import { changeProblem } from './journal-check.js';

export type Recovery =
  /** Nothing to replay: no record after the status.xml it continues. */
  | { readonly kind: 'clean'; readonly validLength: number }
  | { readonly kind: 'replayed'; readonly ledger: Ledger; readonly records: number; readonly validLength: number }
  | { readonly kind: 'foreign'; readonly base: JournalBase | null }
  | { readonly kind: 'damaged'; readonly line: number; readonly reason: string };

export function recoverJournal(status: { ledger: Ledger; sha256: string | null }, journal: Buffer): Recovery {
  const { lines, validLength, damagedLine } = decodeLines(journal);
  if (damagedLine !== undefined) return { kind: 'damaged', line: damagedLine, reason: damageReason(lines.length) };
  if (lines.length === 0) return { kind: 'clean', validLength: 0 }; // only a torn base line: nothing was recorded
  const head = lines[0]!.record as { journal?: unknown; version?: unknown; base?: JournalBase };
  if (head.journal !== JOURNAL_KIND || head.version !== 1 || !isBase(head.base)) return { kind: 'damaged', line: 1, reason: 'the first line is not the base of a ledger journal of this version' };
  let start = -1;
  if (head.base.sha256 === status.sha256) start = 1;
  for (let i = 1; i < lines.length; i++) {
    const r = lines[i]!.record as { folded?: unknown };
    if (typeof r.folded === 'string' && r.folded === status.sha256) start = i + 1;
  }
  if (start < 0) return { kind: 'foreign', base: head.base };

  const state = { entries: [...status.ledger.entries] as LedgerEntry[], index: new Map(status.ledger.entries.map((e, i) => [e.id, i] as const)) };
  let last: ChangeRecord | undefined;
  let previous: string | undefined;
  let lineage = status.ledger.lineage ?? head.base.lineage ?? undefined;
  let serial = status.ledger.serial;
  let records = 0;
  for (const { line, record } of lines.slice(start)) {
    if ('folded' in (record as object)) continue;
    const raw = JSON.stringify(record);
    const change = (record as { change?: unknown }).change;
    const bad = changeProblem(change);
    if (bad) return { kind: 'damaged', line, reason: bad };
    const c = change as ChangeRecord;
    if (c.serial === serial && raw === previous) continue; // the same record twice: it happened once
    if (c.serial <= serial) return { kind: 'damaged', line, reason: `its serial ${c.serial} does not follow serial ${serial}` };
    if (lineage !== undefined && c.lineage !== lineage) return { kind: 'damaged', line, reason: 'its lineage is not the ledger\'s' };
    try {
      applyChange(state, c);
    } catch (error) {
      return { kind: 'damaged', line, reason: (error as Error).message };
    }
    ({ serial, lineage } = c);
    previous = raw;
    last = c;
    records++;
  }
  if (last === undefined) return { kind: 'clean', validLength };
  return {
    kind: 'replayed',
    records,
    validLength,
    ledger: {
      lineage: last.lineage,
      serial: last.serial,
      entries: state.entries,
      ...(last.plan === null ? {} : { plan: last.plan }),
      ...(last.pending.length === 0 ? {} : { pending: last.pending }),
    },
  };
}

function damageReason(intact: number): string {
  if (intact === 0) return 'no line of the journal is intact (their checksums do not match): this is not a record torn by a kill';
  return 'the record is damaged (its checksum does not match) and more than the last append is: a kill tears at most the last one';
}

function isBase(value: unknown): value is JournalBase {
  const b = value as JournalBase | undefined;
  return (
    typeof b === 'object' && b !== null &&
    (b.sha256 === null || (typeof b.sha256 === 'string' && /^[0-9a-f]{64}$/.test(b.sha256))) &&
    (b.lineage === null || typeof b.lineage === 'string') &&
    Number.isSafeInteger(b.serial)
  );
}

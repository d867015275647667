/**
 * Ledger changes as journal records: the record between two ledgers (what a write appends) and
 * a record replayed onto a ledger (what recovery does). Pure.
 */
import type { Ledger, LedgerEntry } from '../../core/model.js';
import type { ChangeRecord } from './journal-format.js';

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

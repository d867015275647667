/**
 * Whether a journal record is one the store could have written: the same value forms as
 * status.xml (xml-rules.ts), so replaying a journal never yields a ledger that the next
 * fold refuses to write. Reasons name the field, never its value.
 */
import { isRequestId, type LedgerEntry } from '../../core/model.js';
import { RULES } from './xml-rules.js';

type Check = [string, (value: unknown) => boolean];

const optional = (re: RegExp) => (v: unknown) => v === undefined || (typeof v === 'string' && re.test(v));
const ENTRY_FIELDS: Record<string, (value: unknown) => boolean> = {
  id: (v) => typeof v === 'string' && isRequestId(v),
  completion: (v) => typeof v === 'string' && RULES.completion.test(v),
  uploaded: (v) => typeof v === 'string' && RULES.time.test(v),
  lastUpdate: optional(RULES.time),
  deleted: optional(RULES.time),
  fingerprint: optional(RULES.hex64),
  tokenSize: (v) => v === undefined || (Number.isSafeInteger(v) && (v as number) >= 0),
  tokenSha256: optional(RULES.hex64),
  bundleSha256: optional(RULES.hex64),
  plan: optional(RULES.plan),
  key: optional(RULES.key),
};

export function changeProblem(change: unknown): string | undefined {
  if (typeof change !== 'object' || change === null) return 'it is not a ledger change';
  const c = change as Record<string, unknown>;
  const checks: Check[] = [
    ['serial', (v) => Number.isSafeInteger(v) && (v as number) > 0],
    ['lineage', (v) => typeof v === 'string' && RULES.lineage.test(v)],
    ['plan', (v) => v === null || (typeof v === 'string' && RULES.plan.test(v))],
    ['pending', (v) => Array.isArray(v) && v.every((a) => typeof a === 'string' && RULES.address.test(a))],
    ['drop', (v) => Array.isArray(v) && v.every((id) => typeof id === 'string' && isRequestId(id))],
    ['upsert', (v) => Array.isArray(v)],
  ];
  for (const [name, ok] of checks) if (!ok(c[name])) return `its ${name} is missing or not valid`;
  for (const entry of c.upsert as unknown[]) {
    const bad = entryProblem(entry);
    if (bad) return bad;
  }
  return undefined;
}

export function entryProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null) return 'an entry is not an object';
  for (const [name, value] of Object.entries(entry as LedgerEntry)) {
    const ok = ENTRY_FIELDS[name];
    if (!ok) return `an entry has a field the ledger does not have`;
    if (!ok(value)) return `an entry has a ${name} that is not valid`;
  }
  for (const required of ['id', 'completion', 'uploaded']) if (!(required in entry)) return `an entry has no ${required}`;
  return undefined;
}

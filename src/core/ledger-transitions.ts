/**
 * How a finished action changes the ledger, following the original tool's element rules
 * (docs/original-tool.md §4) so that it can still read what we write:
 * - a new entry gets id, completion, uploaded (never changed again);
 * - a re-upload sets completion and last-update; a tombstone that comes back loses `deleted`;
 * - a deletion sets `deleted` and keeps the entry for ever as a tombstone.
 * Pure: the time comes in as a value.
 */
import type { Ledger, LedgerEntry, RequestId } from './model.js';
import type { Plan, PlannedAction, UploadAction } from './plan.js';

export interface ActionOutcome {
  readonly at: Date;
  readonly planId: string;
  readonly tokenSize?: number;
  readonly tokenSha256?: string;
  readonly bundleSha256?: string;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, as Python's `datetime.utcnow().strftime(...)` writes it. */
export function formatLedgerTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

export function applyActionToLedger(ledger: Ledger, action: PlannedAction, outcome: ActionOutcome): Ledger {
  const touched = withoutPending({ ...ledger, plan: outcome.planId }, action.address);
  switch (action.kind) {
    case 'create':
    case 'update':
    case 'replace':
      return recordUpload(touched, action, outcome);
    case 'delete':
      return updateEntry(touched, action.request_id, (entry) => ({
        ...entry,
        deleted: formatLedgerTime(outcome.at),
        plan: outcome.planId,
      }));
    case 'remove_temp':
    case 'remove_orphan':
    case 'publish_ledger':
      return ledger;
  }
}

/** Records that the remote change of `address` has started, before the rename or remove. */
export function markPending(ledger: Ledger, address: string, planId: string): Ledger {
  const pending = ledger.pending ?? [];
  return { ...ledger, plan: planId, pending: pending.includes(address) ? pending : [...pending, address] };
}

export function findEntry(ledger: Ledger, id: RequestId): LedgerEntry | undefined {
  return ledger.entries.find((entry) => entry.id === id);
}

function recordUpload(ledger: Ledger, action: UploadAction, outcome: ActionOutcome): Ledger {
  const id = action.request_id;
  const now = formatLedgerTime(outcome.at);
  const facts = {
    completion: action.after.completion,
    ...(action.after.fingerprint === null ? {} : { fingerprint: action.after.fingerprint }),
    ...(outcome.tokenSize === undefined ? {} : { tokenSize: outcome.tokenSize }),
    ...(outcome.tokenSha256 === undefined ? {} : { tokenSha256: outcome.tokenSha256 }),
    ...(outcome.bundleSha256 === undefined ? {} : { bundleSha256: outcome.bundleSha256 }),
    plan: outcome.planId,
  };
  if (!findEntry(ledger, id)) {
    return { ...ledger, entries: [...ledger.entries, { id, uploaded: now, ...facts }] };
  }
  return updateEntry(ledger, id, ({ deleted: _gone, ...entry }) => ({ ...entry, ...facts, lastUpdate: now }));
}

function updateEntry(ledger: Ledger, id: RequestId, change: (entry: LedgerEntry) => LedgerEntry): Ledger {
  if (!findEntry(ledger, id)) throw new Error(`ledger has no entry for request ${id}`);
  return { ...ledger, entries: ledger.entries.map((entry) => (entry.id === id ? change(entry) : entry)) };
}

function withoutPending(ledger: Ledger, address: string): Ledger {
  if (!ledger.pending?.includes(address)) return ledger;
  const pending = ledger.pending.filter((a) => a !== address);
  const { pending: _old, ...rest } = ledger;
  return pending.length > 0 ? { ...rest, pending } : rest;
}

/**
 * The ledger as it will read after `plan` is applied, for `plan --diff`: the transitions with
 * the plan's own time. What only apply knows (token sizes and digests, the serial, a lineage for
 * a first ledger, pending marks) keeps its value from before, so only entries show as changed.
 */
export function previewLedger(ledger: Ledger, plan: Pick<Plan, 'actions' | 'created_at' | 'plan_id'>): Ledger {
  const at = new Date(plan.created_at);
  const changed = plan.actions.reduce((l, action) => applyActionToLedger(l, action, { at, planId: plan.plan_id }), ledger);
  return { ...ledger, entries: changed.entries };
}

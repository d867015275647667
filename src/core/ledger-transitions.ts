/**
 * How a finished action changes the ledger, following the original tool's element rules
 * (docs/original-tool.md §4) so that it can still read what we write:
 * - a new entry gets id, completion, uploaded (never changed again);
 * - a re-upload sets completion and last-update; a tombstone that comes back loses `deleted`;
 * - a deletion sets `deleted` and keeps the entry for ever as a tombstone.
 *
 * A step is a LedgerChange (one entry and the root fields), not a new ledger: an apply records
 * thousands of steps, and a copy of every entry per step made a first sync quadratic. Pure: the
 * time comes in as a value, and a ledger is read through a LedgerView that finds an entry by id.
 */
import type { Ledger, LedgerEntry, RequestId } from './model.js';
import type { Plan, PlanEncryption, PlannedAction, UploadAction } from './plan.js';
import { ledgerKeyOf } from './sealing-key.js';

export interface ActionOutcome {
  readonly at: Date;
  readonly planId: string;
  readonly tokenSize?: number;
  readonly tokenSha256?: string;
  readonly bundleSha256?: string;
  /** The ledger's `key` for what sealed the upload (sealing-key.ts); none for Fernet. */
  readonly key?: string;
}

/** What a step needs to read of the ledger. */
export interface LedgerView {
  readonly plan?: string;
  readonly pending?: readonly string[];
  entry(id: RequestId): LedgerEntry | undefined;
}

/** One step: the ledger after it is the ledger before it with `entry` put in place of the entry of its id (or appended), and these root fields. */
export interface LedgerChange {
  readonly plan: string;
  readonly pending: readonly string[];
  readonly entry?: LedgerEntry;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, as Python's `datetime.utcnow().strftime(...)` writes it. */
export function formatLedgerTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

/** The view of a whole ledger (an index built once, O(entries)). */
export function viewOf(ledger: Ledger): LedgerView {
  const byId = new Map(ledger.entries.map((e) => [e.id, e] as const));
  return { ...(ledger.plan === undefined ? {} : { plan: ledger.plan }), ...(ledger.pending ? { pending: ledger.pending } : {}), entry: (id) => byId.get(id) };
}

/** The step that records that the remote change of `address` has started, before the rename or remove. */
export function pendingChange(ledger: LedgerView, address: string, planId: string): LedgerChange {
  const pending = ledger.pending ?? [];
  return { plan: planId, pending: pending.includes(address) ? pending : [...pending, address] };
}

/** The step that records a finished action; null for actions on files the ledger does not own. */
export function actionChange(ledger: LedgerView, action: PlannedAction, outcome: ActionOutcome): LedgerChange | null {
  const root = { plan: outcome.planId, pending: (ledger.pending ?? []).filter((a) => a !== action.address) };
  switch (action.kind) {
    case 'create':
    case 'update':
    case 'replace':
      return { ...root, entry: uploadedEntry(ledger.entry(action.request_id), action, outcome) };
    case 'delete':
      return { ...root, entry: { ...existing(ledger, action.request_id), deleted: formatLedgerTime(outcome.at), plan: outcome.planId } };
    case 'remove_temp':
    case 'remove_orphan':
    case 'publish_ledger':
      return null;
  }
}

/** The ledger after `change`, as a new value: O(entries), for previews and tests (the store applies a change in place). */
export function applyLedgerChange(ledger: Ledger, change: LedgerChange | null): Ledger {
  if (change === null) return ledger;
  const { pending: _old, ...rest } = ledger;
  const root = { ...rest, plan: change.plan, ...(change.pending.length > 0 ? { pending: change.pending } : {}) };
  const entry = change.entry;
  if (entry === undefined) return root;
  const at = ledger.entries.findIndex((e) => e.id === entry.id);
  return { ...root, entries: at < 0 ? [...ledger.entries, entry] : ledger.entries.map((e, i) => (i === at ? entry : e)) };
}

function uploadedEntry(entry: LedgerEntry | undefined, action: UploadAction, outcome: ActionOutcome): LedgerEntry {
  const now = formatLedgerTime(outcome.at);
  const facts = {
    completion: action.after.completion,
    ...(action.after.fingerprint === null ? {} : { fingerprint: action.after.fingerprint }),
    ...(outcome.tokenSize === undefined ? {} : { tokenSize: outcome.tokenSize }),
    ...(outcome.tokenSha256 === undefined ? {} : { tokenSha256: outcome.tokenSha256 }),
    ...(outcome.bundleSha256 === undefined ? {} : { bundleSha256: outcome.bundleSha256 }),
    plan: outcome.planId,
    ...(outcome.key === undefined ? {} : { key: outcome.key }),
  };
  if (!entry) return { id: action.request_id, uploaded: now, ...facts };
  // The key is the new upload's: a file re-sealed with Fernet loses the old scheme's key.
  const { deleted: _gone, key: _sealedBefore, ...kept } = entry;
  return { ...kept, ...facts, lastUpdate: now };
}

function existing(ledger: LedgerView, id: RequestId): LedgerEntry {
  const entry = ledger.entry(id);
  if (!entry) throw new Error(`ledger has no entry for request ${id}`);
  return entry;
}

/**
 * The ledger as it will read after `plan` is applied, for `plan --diff`: the transitions with
 * the plan's own time. What only apply knows (token sizes and digests, the serial, a lineage for
 * a first ledger, pending marks) keeps its value from before, so only entries show as changed.
 * `sealing`: the scheme and key the uploads are sealed for (a Fernet plan seldom pins its key).
 */
export function previewLedger(ledger: Ledger, plan: Pick<Plan, 'actions' | 'created_at' | 'plan_id' | 'encryption'>, sealing: PlanEncryption | undefined = plan.encryption): Ledger {
  const at = new Date(plan.created_at);
  const entries = new Map(ledger.entries.map((e) => [e.id, e] as const));
  const view: LedgerView = { entry: (id) => entries.get(id) };
  const key = sealing === undefined ? {} : { key: ledgerKeyOf(sealing.scheme, sealing.key_id)! };
  for (const action of plan.actions) {
    const entry = actionChange(view, action, { at, planId: plan.plan_id, ...key })?.entry;
    if (entry) entries.set(entry.id, entry); // a Map keeps the first insertion's place: file order holds
  }
  return { ...ledger, entries: [...entries.values()] };
}

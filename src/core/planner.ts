/**
 * The planner: the only place that decides what aktin-sftp does. A pure function of the
 * broker snapshot (desired), the ledger and one SFTP listing (actual), and the options.
 *
 * It keeps every decision of the original tool's diff (docs/original-tool.md §3.2) except its
 * bugs: a tombstoned request that comes back is uploaded again (B1 crashed, B2 ignored it for
 * ever), a change that keeps the completion ratio is seen through the node fingerprint (B3),
 * and the remote folder is checked, so missing or truncated files are replaced (B6).
 * Legacy entries (written by the original) carry no fingerprint or token size: they are
 * compared by completion and presence only, until their next upload records both.
 */
import type { BrokerRequest, LedgerEntry, RemoteFile, RemoteListing } from './model.js';
import type { Observation } from './observation.js';
import { compareRequestIds } from './model.js';
import { planInputsOf } from './digests.js';
import type {
  ActionReason,
  DeleteAction,
  Plan,
  PlannedAction,
  PlanOptions,
  PublishLedgerAction,
  RemoteExpectation,
  RemoveOrphanAction,
  RemoveTempAction,
  RequestSide,
  UploadAction,
  PlanEncryption,
} from './plan.js';
import { PLAN_FORMAT_VERSION } from './plan.js';
import { checkDeleteSafety } from './plan-safety.js';
import { summarisePlan } from './plan-summary.js';
import { failed, ok, type Outcome } from './problem.js';
import { liveFileName, replaceProblems, replaceRequested, resealReason, supersededRemovals } from './planner-sealing.js';
import { LEDGER_FILE_NAME, entryFileName, exportFileName, isTempFileName, requestIdOfExportFile, requestIdOfTempFile } from './remote-names.js';

export interface PlannerInput {
  readonly observation: Pick<Observation, 'broker' | 'ledger' | 'listing'>;
  readonly options: PlanOptions;
  readonly context: {
    readonly planId: string;
    readonly createdAt: Date;
    readonly toolVersion: string;
    readonly configSha256: string;
    readonly tag: string;
    readonly folder: string;
    /** Absent when replanning a plan of format 1.0 or 1.1. */
    readonly remote?: string;
    /** The scheme and key that seal the uploads; absent: Fernet with a key not known here. */
    readonly encryption?: PlanEncryption;
  };
}

export function planChanges(input: PlannerInput): Outcome<Plan> {
  const { broker, ledger, listing } = input.observation;
  const files = new Map(listing.files.map((f) => [f.name, f] as const));
  const entries = new Map(ledger.ledger.entries.map((e) => [e.id, e] as const));
  const only = input.options.only ? new Set(input.options.only) : null;
  // A targeted plan (--only) looks at and acts on its requests alone, whatever else it sees.
  // A name held by a directory or symlink cannot be written: that request waits (reported as an obstacle).
  const blocked = new Set((listing.obstacles ?? []).map((o) => o.name));
  // Uploads are written under the configured scheme's name; a live entry's file has its own
  // scheme's name (the two differ only across a change of scheme). Either blocked holds the request.
  const scheme = input.context.encryption?.scheme ?? 'fernet';
  const namesOf = (id: string) => {
    const entry = entries.get(id);
    const own = exportFileName(id, scheme);
    return entry && entry.deleted === undefined ? [own, entryFileName(entry)] : [own];
  };
  const inScope = (id: string | null) => (only === null || (id !== null && only.has(id))) && (id === null || !namesOf(id).some((n) => blocked.has(n)));
  const requests = broker.requests.filter((r) => inScope(r.id));
  const desired = new Set(requests.map((r) => r.id));

  const encryption = input.context.encryption;
  const uploads = [...requests]
    .sort((a, b) => compareRequestIds(a.id, b.id))
    .flatMap((r) => {
      const entry = entries.get(r.id);
      const address = exportFileName(r.id, scheme);
      // Decided on the file the entry has (its own scheme's name); written to the configured one's.
      const decision = decideUpload(r, entry, files.get(liveFileName(entry) ?? address)) ?? reseal(entry, encryption) ?? replaceRequested(entry, input.options.replace);
      return decision ? [uploadFor(r, address, entry, files.get(address), decision)] : [];
    });
  // The name each desired request's file has, or gets with this plan: any other of its names goes.
  const uploadNames = new Map(uploads.map((u) => [u.request_id, u.address] as const));
  const current = new Map(requests.map((r) => [r.id, uploadNames.get(r.id) ?? liveFileName(entries.get(r.id)) ?? exportFileName(r.id, scheme)] as const));
  const deletes = [...ledger.ledger.entries]
    .filter((e) => e.deleted === undefined && !desired.has(e.id) && inScope(e.id))
    .sort((a, b) => compareRequestIds(a.id, b.id))
    .map((e) => deleteFor(e, files.get(entryFileName(e))));
  const byName = [...listing.files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const temps = byName.filter((f) => isTempFileName(f.name) && (only === null || inScope(requestIdOfTempFile(f.name)))).map(tempRemoval);
  const orphans = input.options.prune_orphans ? byName.flatMap((f) => orphanRemoval(f, desired, entries)).filter((a) => inScope(a.request_id)) : [];
  const superseded = supersededRemovals(byName, current, expectationOf);

  const changes: PlannedAction[] = [...uploads, ...deletes, ...temps, ...orphans, ...superseded];
  const publish = blocked.has(LEDGER_FILE_NAME) ? null : publishFor(changes.length > 0, ledger.sha256, listing, files.get(LEDGER_FILE_NAME));
  const actions = publish ? [...changes, publish] : changes;

  const problems = [...replaceProblems(input.options.replace, entries, desired, broker.tag), ...checkDeleteSafety(actions, broker, input.options)];
  if (problems.length > 0) return failed(problems);

  const { context } = input;
  const pinned = context.encryption !== undefined && (context.encryption.scheme !== 'fernet' || actions.some((a) => a.reason === 'key_changed'));
  return ok({
    format_version: PLAN_FORMAT_VERSION,
    tool_version: context.toolVersion,
    plan_id: context.planId,
    created_at: context.createdAt.toISOString(),
    config_sha256: context.configSha256,
    tag: context.tag,
    folder: context.folder,
    ...(context.remote === undefined ? {} : { remote: context.remote }),
    // A Fernet plan pins its key only when it re-seals for it: every other one stays as it was.
    ...(pinned ? { encryption: context.encryption } : {}),
    inputs: planInputsOf(broker, ledger, listing),
    options: input.options,
    actions,
    summary: summarisePlan(actions),
  });
}

function uploadFor(request: BrokerRequest, address: string, entry: LedgerEntry | undefined, remote: RemoteFile | undefined, decision: UploadDecision): UploadAction {
  return {
    address,
    kind: decision.kind,
    reason: decision.reason,
    request_id: request.id,
    before: entry && entry.deleted === undefined ? liveSide(entry) : null,
    after: { completion: request.completion, fingerprint: request.fingerprint },
    precondition: { remote: expectationOf(remote) },
  };
}

type UploadDecision = { kind: UploadAction['kind']; reason: ActionReason };

/** A file sealed by another key or scheme is sealed again, in place of the old one: an update. */
function reseal(entry: LedgerEntry | undefined, encryption: PlanEncryption | undefined): UploadDecision | null {
  const reason = resealReason(entry, encryption);
  return reason === null ? null : { kind: 'update', reason };
}

/** Whether a request needs an upload, and why; plan freshness asks it too, to name what moved. */
export function decideUpload(
  request: BrokerRequest,
  entry: LedgerEntry | undefined,
  remote: RemoteFile | undefined,
): { kind: UploadAction['kind']; reason: ActionReason } | null {
  if (!entry) return { kind: 'create', reason: 'new_request' };
  if (entry.deleted !== undefined) return { kind: 'create', reason: 'tombstone_revived' };
  if (entry.completion !== request.completion) return { kind: 'update', reason: 'completion_changed' };
  if (entry.fingerprint !== undefined && entry.fingerprint !== request.fingerprint) return { kind: 'update', reason: 'results_changed' };
  if (!remote) return { kind: 'replace', reason: 'remote_missing' };
  if (entry.tokenSize !== undefined && remote.size !== entry.tokenSize) return { kind: 'replace', reason: 'remote_size_mismatch' };
  return null;
}

function deleteFor(entry: LedgerEntry, remote: RemoteFile | undefined): DeleteAction {
  const address = entryFileName(entry);
  return { address, kind: 'delete', reason: 'request_gone', request_id: entry.id, before: liveSide(entry), after: null, precondition: { remote: expectationOf(remote) } };
}

function tempRemoval(file: RemoteFile): RemoveTempAction {
  return { address: file.name, kind: 'remove_temp', reason: 'stray_temp_file', request_id: null, before: null, after: null, precondition: { remote: expectationOf(file) } };
}

function orphanRemoval(file: RemoteFile, desired: Set<string>, entries: Map<string, LedgerEntry>): RemoveOrphanAction[] {
  const id = requestIdOfExportFile(file.name);
  if (id === null || desired.has(id) || (entries.get(id) && entries.get(id)!.deleted === undefined)) return [];
  return [{ address: file.name, kind: 'remove_orphan', reason: 'orphan_file', request_id: id, before: null, after: null, precondition: { remote: expectationOf(file) } }];
}

function publishFor(changes: boolean, ledgerSha: string | null, listing: RemoteListing, remote: RemoteFile | undefined): PublishLedgerAction | null {
  const reason: ActionReason | null = changes
    ? 'ledger_changed'
    : ledgerSha === null
      ? null
      : !remote
        ? 'remote_ledger_missing'
        : listing.ledgerSha256 !== ledgerSha
          ? 'remote_ledger_stale'
          : null;
  if (!reason) return null;
  return { address: LEDGER_FILE_NAME, kind: 'publish_ledger', reason, request_id: null, before: null, after: null, precondition: { remote: expectationOf(remote) } };
}

function liveSide(entry: LedgerEntry): RequestSide {
  return { completion: entry.completion, fingerprint: entry.fingerprint ?? null };
}

function expectationOf(file: RemoteFile | undefined): RemoteExpectation {
  return file ? { state: 'present', size: file.size, mtime: file.mtime } : { state: 'absent' };
}

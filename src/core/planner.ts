/**
 * The planner: the only place that decides what aktin-sftp does. A pure function of the
 * broker snapshot (desired), the ledger and one SFTP listing (actual), and the options.
 *
 * It keeps every decision of the original tool's diff (original-exporter.md §3.2) except its
 * bugs: a tombstoned request that comes back is uploaded again (B1 crashed, B2 ignored it for
 * ever), a change that keeps the completion ratio is seen through the node fingerprint (B3),
 * and the remote folder is checked, so missing or truncated files are replaced (B6).
 * Legacy entries (written by the original) carry no fingerprint or token size: they are
 * compared by completion and presence only, until their next upload records both.
 */
import type { BrokerRequest, Ledger, LedgerEntry, RemoteFile, RemoteListing, BrokerSnapshot } from './model.js';
import { compareRequestIds } from './model.js';
import { planInputsOf } from './digests.js';
import type { ActionKind, ActionReason, Plan, PlannedAction, PlanOptions, RemoteExpectation } from './plan.js';
import { PLAN_FORMAT_VERSION } from './plan.js';
import { checkDeleteSafety } from './plan-safety.js';
import { summarisePlan } from './plan-summary.js';
import { failed, ok, type Outcome } from './problem.js';
import { LEDGER_FILE_NAME, exportFileName, isTempFileName, requestIdOfExportFile } from './remote-names.js';

export interface PlannerInput {
  readonly snapshot: BrokerSnapshot;
  readonly ledger: { readonly ledger: Ledger; readonly sha256: string | null };
  readonly listing: RemoteListing;
  readonly options: PlanOptions;
  readonly context: {
    readonly planId: string;
    readonly createdAt: Date;
    readonly toolVersion: string;
    readonly configSha256: string;
    readonly tag: string;
    readonly folder: string;
  };
}

export function planChanges(input: PlannerInput): Outcome<Plan> {
  const files = new Map(input.listing.files.map((f) => [f.name, f] as const));
  const entries = new Map(input.ledger.ledger.entries.map((e) => [e.id, e] as const));
  const desired = new Set(input.snapshot.requests.map((r) => r.id));

  const uploads = [...input.snapshot.requests]
    .sort((a, b) => compareRequestIds(a.id, b.id))
    .flatMap((r) => uploadFor(r, entries.get(r.id), files.get(exportFileName(r.id))));
  const deletes = [...input.ledger.ledger.entries]
    .filter((e) => e.deleted === undefined && !desired.has(e.id))
    .sort((a, b) => compareRequestIds(a.id, b.id))
    .map((e) => removal('delete', 'request_gone', exportFileName(e.id), e.id, liveSide(e), files.get(exportFileName(e.id))));
  const byName = [...input.listing.files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const temps = byName.filter((f) => isTempFileName(f.name)).map((f) => removal('remove_temp', 'stray_temp_file', f.name, null, null, f));
  const orphans = input.options.prune_orphans ? byName.flatMap((f) => orphanRemoval(f, desired, entries)) : [];

  const changes = [...uploads, ...deletes, ...temps, ...orphans];
  const publish = publishFor(changes.length > 0, input.ledger.sha256, input.listing, files.get(LEDGER_FILE_NAME));
  const actions = publish ? [...changes, publish] : changes;

  const problems = checkDeleteSafety(actions, input.snapshot, input.options);
  if (problems.length > 0) return failed(problems);

  const { context } = input;
  return ok({
    format_version: PLAN_FORMAT_VERSION,
    tool_version: context.toolVersion,
    plan_id: context.planId,
    created_at: context.createdAt.toISOString(),
    config_sha256: context.configSha256,
    tag: context.tag,
    folder: context.folder,
    inputs: planInputsOf(input.snapshot, input.ledger, input.listing),
    options: input.options,
    actions,
    summary: summarisePlan(actions),
  });
}

function uploadFor(request: BrokerRequest, entry: LedgerEntry | undefined, remote: RemoteFile | undefined): PlannedAction[] {
  const decision = decideUpload(request, entry, remote);
  if (!decision) return [];
  return [
    {
      address: exportFileName(request.id),
      kind: decision.kind,
      reason: decision.reason,
      request_id: request.id,
      before: entry && entry.deleted === undefined ? liveSide(entry) : null,
      after: { completion: request.completion, fingerprint: request.fingerprint },
      precondition: { remote: expectationOf(remote) },
    },
  ];
}

function decideUpload(
  request: BrokerRequest,
  entry: LedgerEntry | undefined,
  remote: RemoteFile | undefined,
): { kind: ActionKind; reason: ActionReason } | null {
  if (!entry) return { kind: 'create', reason: 'new_request' };
  if (entry.deleted !== undefined) return { kind: 'create', reason: 'tombstone_revived' };
  if (entry.completion !== request.completion) return { kind: 'update', reason: 'completion_changed' };
  if (entry.fingerprint !== undefined && entry.fingerprint !== request.fingerprint) return { kind: 'update', reason: 'results_changed' };
  if (!remote) return { kind: 'replace', reason: 'remote_missing' };
  if (entry.tokenSize !== undefined && remote.size !== entry.tokenSize) return { kind: 'replace', reason: 'remote_size_mismatch' };
  return null;
}

function orphanRemoval(file: RemoteFile, desired: Set<string>, entries: Map<string, LedgerEntry>): PlannedAction[] {
  const id = requestIdOfExportFile(file.name);
  if (id === null || desired.has(id) || (entries.get(id) && entries.get(id)!.deleted === undefined)) return [];
  return [removal('remove_orphan', 'orphan_file', file.name, id, null, file)];
}

function publishFor(changes: boolean, ledgerSha: string | null, listing: RemoteListing, remote: RemoteFile | undefined): PlannedAction | null {
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
  return removal('publish_ledger', reason, LEDGER_FILE_NAME, null, null, remote);
}

function removal(kind: ActionKind, reason: ActionReason, address: string, id: string | null, before: PlannedAction['before'], remote: RemoteFile | undefined): PlannedAction {
  return { address, kind, reason, request_id: id, before, after: null, precondition: { remote: expectationOf(remote) } };
}

function liveSide(entry: LedgerEntry): PlannedAction['before'] {
  return { completion: entry.completion, fingerprint: entry.fingerprint ?? null };
}

function expectationOf(file: RemoteFile | undefined): RemoteExpectation {
  return file ? { state: 'present', size: file.size, mtime: file.mtime } : { state: 'absent' };
}

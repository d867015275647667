/**
 * Whether a saved plan may still be applied (Terraform's "Saved plan is stale", made finer).
 *
 * A plan pins fingerprints of its three inputs. If any moved since, applying it could undo or
 * repeat someone else's work, so apply refuses and says which input moved and how. The one
 * exception is the plan's own partial application: the ledger records the id of the plan that
 * last wrote it, and then only the broker must be unchanged; each remaining action re-checks
 * its own precondition (see action-readiness.ts).
 */
import type { Config } from './config.js';
import { nonSecretConfigView } from './config-rules.js';
import { configDigest } from './digests.js';
import { inputsOf, type Observation } from './observation.js';
import type { Plan, PlanEncryption, PlanInputs, RemoteExpectation } from './plan.js';
import { decideUpload } from './planner.js';
import { problem, type Problem } from './problem.js';
import { remoteLocation } from './remote-location.js';
import { entryFileName, exportFileName } from './remote-names.js';
import { isSchemeName } from './sealing-key.js';

export type Freshness = { readonly mode: 'fresh' | 'resume' } | { readonly mode: 'stale'; readonly problems: Problem[] };

/** What a plan belongs to: the tag, the remote and the non-secret configuration it was made with. */
export interface PlanIdentity {
  readonly tag: string;
  /** The remote, as remoteLocation() names it. */
  readonly remote: string;
  /** The remote's folder: what plans of format 1.0 and 1.1 name instead of the remote. */
  readonly folder: string;
  readonly configSha256: string;
}

/** What the loaded encryptor seals for: its scheme and key id. */
export function planEncryptionOf(encryptor: { readonly scheme: string; readonly keyId: string }): PlanEncryption | undefined {
  return isSchemeName(encryptor.scheme) ? { scheme: encryptor.scheme, key_id: encryptor.keyId } : undefined;
}

/**
 * A saved plan was made for one recipient set or Fernet key: after a rotation (another
 * RECIPIENTS_FILE or key file content, which the configuration digest does not see) it would seal
 * for the old one. A Fernet plan that pins no key re-seals nothing: any Fernet key, or none known
 * here (a key file not read), applies it.
 */
export function checkPlanSealing(plan: Plan, encryption: PlanEncryption | undefined, source: string): Problem[] {
  const sealsAsPlanned = plan.encryption === undefined ? (encryption?.scheme ?? 'fernet') === 'fernet' : plan.encryption.key_id === encryption?.key_id;
  if (sealsAsPlanned) return [];
  if (plan.encryption?.scheme === 'fernet' && encryption?.scheme === 'fernet') {
    return [
      problem(
        'PLAN_STALE',
        `The saved plan ${source} was made for another Fernet key`,
        `It re-seals files for the key with id ${plan.encryption.key_id}; the configured key has id ${encryption.key_id}. Nothing was changed.`,
        "Run 'aktin-sftp plan' with the current key, review it, and apply the new plan.",
      ),
    ];
  }
  const recipients = (e: PlanEncryption | undefined) => (e === undefined || e.scheme === 'fernet' ? '(none: Fernet)' : e.key_id);
  return [
    problem(
      'PLAN_STALE',
      `The saved plan ${source} was made for other recipients`,
      `It seals for key id ${recipients(plan.encryption)}; the configured recipients have ${recipients(encryption)}. Nothing was changed.`,
      "Run 'aktin-sftp plan' with the current recipients, review it, and apply the new plan.",
    ),
  ];
}

export function planIdentityOf(config: Config): PlanIdentity {
  return {
    tag: config.tag,
    remote: remoteLocation(config.remote),
    folder: config.remote.folder,
    configSha256: configDigest(nonSecretConfigView(config)),
  };
}

/** Whether a saved plan was made for this configuration; checked before anything is locked or opened. */
export function checkPlanIdentity(plan: Plan, identity: PlanIdentity, source: string): Problem[] {
  const mismatch =
    plan.tag !== identity.tag
      ? `it is for tag '${plan.tag}', the configuration says '${identity.tag}'`
      : plan.remote !== undefined && plan.remote !== identity.remote
        ? `it is for ${plan.remote}, the configuration says ${identity.remote}`
        : plan.remote === undefined && plan.folder !== identity.folder
          ? `it is for the SFTP folder '${plan.folder}', the configuration says '${identity.folder}'`
          : plan.config_sha256 !== identity.configSha256
          ? 'it was made with a different configuration'
          : undefined;
  if (mismatch === undefined) return [];
  return [
    problem(
      'PLAN_STALE',
      `The saved plan ${source} does not belong to this configuration`,
      `The plan cannot be applied: ${mismatch}.`,
      "Run 'aktin-sftp plan' with this configuration and apply the new plan.",
    ),
  ];
}

interface Current {
  readonly observation: Observation;
  readonly inputs: PlanInputs;
}

const HINT = "Run 'aktin-sftp plan' again to see what would change now, review it, and apply the new plan.";
const MAX_LISTED = 5;

export function checkPlanFreshness(plan: Plan, observation: Observation): Freshness {
  const current: Current = { observation, inputs: inputsOf(observation) };
  const resuming = observation.ledger.ledger.plan === plan.plan_id;
  const problems = [
    ...brokerMoved(plan, current),
    ...(resuming ? [] : [...ledgerMoved(plan, current), ...remoteMoved(plan, current)]),
  ];
  if (problems.length > 0) return { mode: 'stale', problems };
  return { mode: resuming ? 'resume' : 'fresh' };
}

function brokerMoved(plan: Plan, current: Current): Problem[] {
  const then = plan.inputs.broker;
  const now = current.inputs.broker;
  if (then.sha256 === now.sha256) return [];
  const byId = new Map(current.observation.broker.requests.map((r) => [r.id, r] as const));
  const changes: string[] = [];
  for (const action of plan.actions) {
    if (action.request_id === null) continue;
    const request = byId.get(action.request_id);
    if (action.after && !request) changes.push(`request ${action.request_id} is no longer listed`);
    else if (action.after && request && request.completion !== action.after.completion) {
      changes.push(`request ${action.request_id} has completion ${request.completion} now, ${action.after.completion} when planned`);
    } else if (action.after && request && action.after.fingerprint !== null && request.fingerprint !== action.after.fingerprint) {
      changes.push(`request ${action.request_id} has new node results`);
    } else if (!action.after && action.kind === 'delete' && request) changes.push(`request ${action.request_id} is listed again`);
  }
  changes.push(...unplannedChanges(plan, current.observation));
  if (then.requests !== now.requests) changes.push(`the broker lists ${now.requests} tagged requests now, ${then.requests} when planned`);
  if (changes.length === 0) changes.push('requests the plan does not act on changed their status');
  return [
    problem('PLAN_STALE', 'Saved plan is stale: the broker moved since the plan was made', listed(changes), HINT),
  ];
}

/**
 * The requests in the plan's scope that it does not act on yet would now need an upload. When the
 * plan was made they agreed with the ledger (or the planner would have acted on them), so these
 * are the ones that moved; the ledger itself moving is reported apart.
 */
function unplannedChanges(plan: Plan, observation: Observation): string[] {
  const acted = new Set(plan.actions.map((a) => a.request_id));
  const only = plan.options.only ? new Set(plan.options.only) : null;
  const entries = new Map(observation.ledger.ledger.entries.map((e) => [e.id, e] as const));
  const files = new Map(observation.listing.files.map((f) => [f.name, f] as const));
  const blocked = new Set((observation.listing.obstacles ?? []).map((o) => o.name));
  const onBroker = new Set(observation.broker.requests.map((r) => r.id));
  const changes: string[] = [];
  for (const request of observation.broker.requests) {
    const { id } = request;
    const entry = entries.get(id);
    const name = exportFileName(id, plan.encryption?.scheme ?? 'fernet');
    if (acted.has(id) || (only && !only.has(id)) || blocked.has(name) || (entry && entry.deleted === undefined && blocked.has(entryFileName(entry)))) continue;
    const reason = decideUpload(request, entry, files.get(name))?.reason;
    if (reason === 'new_request') changes.push(`request ${id} is new (completion ${request.completion})`);
    else if (reason === 'tombstone_revived') changes.push(`request ${id} is listed again`);
    else if (reason === 'completion_changed') changes.push(`request ${id} has completion ${request.completion} now, ${entry?.completion} when planned`);
    else if (reason === 'results_changed') changes.push(`request ${id} has new node results`);
  }
  for (const entry of observation.ledger.ledger.entries) {
    if (entry.deleted !== undefined || acted.has(entry.id) || (only && !only.has(entry.id)) || onBroker.has(entry.id)) continue;
    changes.push(`request ${entry.id} is no longer listed`);
  }
  return changes;
}

function ledgerMoved(plan: Plan, current: Current): Problem[] {
  const then = plan.inputs.ledger;
  const now = current.inputs.ledger;
  if (then.sha256 === now.sha256 && then.serial === now.serial && then.lineage === now.lineage) return [];
  const writer = current.observation.ledger.ledger.plan ? ` (last written by plan ${current.observation.ledger.ledger.plan})` : '';
  const detail =
    then.lineage !== null && now.lineage !== null && then.lineage !== now.lineage
      ? `The ledger ${current.observation.ledgerPath} is a different ledger: lineage ${now.lineage}, the plan was made against ${then.lineage}.`
      : then.sha256 === null
        ? `The ledger ${current.observation.ledgerPath} did not exist when the plan was made; it does now (serial ${now.serial})${writer}.`
        : `The ledger ${current.observation.ledgerPath} changed since the plan was made: serial ${then.serial} then, ${now.serial} now${writer}.`;
  return [problem('PLAN_STALE', 'Saved plan is stale: the ledger changed since the plan was made', detail, HINT)];
}

function remoteMoved(plan: Plan, current: Current): Problem[] {
  const then = plan.inputs.remote;
  if (then.sha256 === current.inputs.remote.sha256) return [];
  const files = new Map(current.observation.listing.files.map((f) => [f.name, f] as const));
  const changes = plan.actions
    .filter((a) => !expectationHolds(a.precondition.remote, files.get(a.address) ?? null))
    .map((a) => `${a.address}: ${describe(a.precondition.remote)} when planned, ${describeFile(files.get(a.address))} now`);
  if (changes.length === 0) {
    changes.push(`a file the plan does not act on changed (${then.files} files when planned, ${current.inputs.remote.files} now)`);
  }
  return [problem('PLAN_STALE', 'Saved plan is stale: the SFTP folder changed since the plan was made', listed(changes), HINT)];
}

export function expectationHolds(expect: RemoteExpectation, file: { size: number; mtime: number } | null): boolean {
  if (expect.state === 'absent') return file === null;
  return file !== null && file.size === expect.size && file.mtime === expect.mtime;
}

function describe(expect: RemoteExpectation): string {
  return expect.state === 'absent' ? 'absent' : `${expect.size} bytes`;
}

function describeFile(file: { size: number } | undefined): string {
  return file ? `${file.size} bytes` : 'absent';
}

function listed(lines: string[]): string {
  const shown = lines.slice(0, MAX_LISTED).map((l) => `- ${l}`);
  if (lines.length > MAX_LISTED) shown.push(`- and ${lines.length - MAX_LISTED} more`);
  return shown.join('\n');
}

/**
 * The plan: a serializable, secret-free document of what `apply` will do and what it was
 * computed from. Field names are snake_case because this is a published wire format
 * (validated by schemas/plan.schema.json), read by CI scripts and PR-comment bots.
 *
 * Invariant: a plan never holds a password, API key, key material or result data; only ids,
 * completions, fingerprints, sizes, digests and remote file names.
 */
import type { RequestId } from './model.js';
import type { SchemeName } from './sealing-key.js';

/**
 * Major.minor: a minor bump only adds fields; a reader rejects an unknown major version.
 * 1.1 added `options.only`; 1.2 added `remote`, which every plan carries (plans of 1.0 and 1.1
 * are still read and applied: their `folder` is checked instead). `encryption` came within 1.2
 * and only with age or Crypt4GH, or a Fernet plan that re-seals for a changed key, so other
 * Fernet plans stay byte for byte as they were; a reader that predates it drops it and refuses
 * such a plan as not its own (PLAN_INVALID), never misapplies it.
 */
export const PLAN_FORMAT_VERSION = '1.2';

/**
 * What an action does. create/update/replace write `export_<id>.zip`; delete removes it and
 * tombstones the ledger entry; remove_temp and remove_orphan remove files the ledger does not
 * own; publish_ledger uploads the ledger as `status.xml`, always last.
 */
export type ActionKind =
  | 'create'
  | 'update'
  | 'replace'
  | 'delete'
  | 'remove_temp'
  | 'remove_orphan'
  | 'publish_ledger';

/** Why an action is planned. Reasons only explain: the applier never branches on them. */
export type ActionReason =
  | 'new_request'
  | 'tombstone_revived'
  | 'completion_changed'
  | 'results_changed'
  | 'remote_missing'
  | 'remote_size_mismatch'
  | 'request_gone'
  | 'stray_temp_file'
  | 'orphan_file'
  | 'ledger_changed'
  | 'remote_ledger_missing'
  | 'remote_ledger_stale'
  /** The configured recipient set is not the one that sealed the file (a rotation). */
  | 'recipients_changed'
  /** The configured Fernet key is not the one that sealed the file (a rotation of the shared key). */
  | 'key_changed'
  /** The configured scheme is not the one that sealed the file (e.g. Fernet → Crypt4GH). */
  | 'scheme_changed'
  /** plan --replace / --replace-all asked for a fresh upload. */
  | 'replace_requested'
  /** A file of a live request under another scheme's name, removed once its replacement is in place. */
  | 'superseded_file';

/** What the remote file must look like just before the action runs (compare-and-swap). */
export type RemoteExpectation =
  | { readonly state: 'absent' }
  | { readonly state: 'present'; readonly size: number; readonly mtime: number };

export interface RequestSide {
  readonly completion: string;
  readonly fingerprint: string | null;
}

interface ActionBase {
  /** The remote file the action works on, relative to the folder: `export_2.zip`, `status.xml`. */
  readonly address: string;
  readonly reason: ActionReason;
  readonly precondition: { readonly remote: RemoteExpectation };
}

/** create, update, replace: writes `export_<id>.zip` with the request's bundle. */
export interface UploadAction extends ActionBase {
  readonly kind: 'create' | 'update' | 'replace';
  readonly request_id: RequestId;
  /** The ledger's view before, null when the ledger has no live entry. */
  readonly before: RequestSide | null;
  /** The broker's view the upload records. */
  readonly after: RequestSide;
}

/** Removes `export_<id>.zip` of a request the broker no longer lists; its entry becomes a tombstone. */
export interface DeleteAction extends ActionBase {
  readonly kind: 'delete';
  readonly request_id: RequestId;
  readonly before: RequestSide | null;
  readonly after: null;
}

/** Removes an `export_<id>.zip` the ledger does not know (--prune-orphans). */
export interface RemoveOrphanAction extends ActionBase {
  readonly kind: 'remove_orphan';
  readonly request_id: RequestId;
  readonly before: null;
  readonly after: null;
}

/** Removes a temporary upload left by an interrupted run; it belongs to no request. */
export interface RemoveTempAction extends ActionBase {
  readonly kind: 'remove_temp';
  readonly request_id: null;
  readonly before: null;
  readonly after: null;
}

/** Uploads the local ledger as `status.xml`; always the last action. */
export interface PublishLedgerAction extends ActionBase {
  readonly kind: 'publish_ledger';
  readonly request_id: null;
  readonly before: null;
  readonly after: null;
}

export type PlannedAction = UploadAction | DeleteAction | RemoveOrphanAction | RemoveTempAction | PublishLedgerAction;

/** Fingerprints of the three inputs; apply refuses a plan whose inputs moved. */
export interface PlanInputs {
  readonly ledger: {
    readonly lineage: string | null;
    readonly serial: number;
    /** sha256 hex of the ledger file's bytes, null when there was no ledger file. */
    readonly sha256: string | null;
  };
  readonly remote: { readonly sha256: string; readonly files: number };
  readonly broker: { readonly sha256: string; readonly requests: number };
}

export interface PlanOptions {
  readonly max_delete: number | null;
  readonly allow_mass_delete: boolean;
  readonly prune_orphans: boolean;
  /** Targeting (`--only`, format 1.1): only these requests are read and acted on, plus the ledger upload. */
  readonly only?: readonly RequestId[];
  /** `--replace ID…` (Terraform's -replace): upload these live requests again whatever else holds; `all` for `--replace-all`. */
  readonly replace?: readonly RequestId[] | 'all';
}

/**
 * The scheme and key a plan seals for. A plan file holds it for a public-key scheme, and for
 * Fernet only when it re-seals for a changed key (other Fernet plans stay as they were).
 */
export interface PlanEncryption {
  readonly scheme: SchemeName;
  /** The key id (a recipient set's, or a Fernet key's) the plan was made for: a plan made before a rotation is refused after it. */
  readonly key_id: string;
}

export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Whether the remote `status.xml` will be uploaded. */
  readonly publish_ledger: boolean;
}

export interface Plan {
  readonly format_version: string;
  readonly tool_version: string;
  readonly plan_id: string;
  /** ISO-8601 UTC. */
  readonly created_at: string;
  /** sha256 hex of the non-secret configuration the plan was made with. */
  readonly config_sha256: string;
  readonly tag: string;
  /** The remote's folder, as 1.0 and 1.1 readers check it. */
  readonly folder: string;
  /** Which remote the plan is for (format 1.2), without user or secret: `sftp://host/folder`. Absent in older plans. */
  readonly remote?: string;
  /**
   * The scheme that seals this plan's uploads, which names their files (`export_<id>.zip.age`).
   * Present for the public-key schemes, and for Fernet only in a plan that re-seals files for a
   * changed key (`key_changed`): any other Fernet plan is as it was before they existed.
   */
  readonly encryption?: PlanEncryption;
  readonly inputs: PlanInputs;
  readonly options: PlanOptions;
  readonly actions: readonly PlannedAction[];
  readonly summary: PlanSummary;
}

export function hasChanges(plan: Pick<Plan, 'actions'>): boolean {
  return plan.actions.length > 0;
}

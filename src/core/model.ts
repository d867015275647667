/**
 * The domain model: what the broker wants (desired state), what the ledger and the SFTP folder
 * hold (actual state). Plain data only, so every decision about it can be a pure function.
 */

/** A broker request id: decimal digits only, so it is safe inside a file name. */
export type RequestId = string;

/** The one request-id pattern, also the source of the remote names' patterns. */
export const REQUEST_ID_SOURCE = '(?:0|[1-9][0-9]{0,17})';
const REQUEST_ID = new RegExp(`^${REQUEST_ID_SOURCE}$`);

export function isRequestId(value: string): value is RequestId {
  return REQUEST_ID.test(value);
}

/** Ascending numeric order of request ids ("2" before "10"). */
export function compareRequestIds(a: RequestId, b: RequestId): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** The status states a node can report, in the order the broker's XML lists them. */
export const NODE_STATES = [
  'deleted',
  'retrieved',
  'queued',
  'processing',
  'completed',
  'rejected',
  'failed',
  'expired',
  'interaction',
] as const;
export type NodeState = (typeof NODE_STATES)[number];

/** One `request-status-info` row of a request: the timestamps a node has reported. */
export interface NodeStatus {
  readonly node: string;
  /** ISO-8601 timestamps as the broker sent them, keyed by state. */
  readonly states: Readonly<Partial<Record<NodeState, string>>>;
  /** Media type of the status message, present iff the node posted a message. */
  readonly messageType?: string;
}

/** Desired state of one tagged broker request. */
export interface BrokerRequest {
  readonly id: RequestId;
  /** Completion as the original tool writes it: Python's `str(round(completed / nodes, 2))`. */
  readonly completion: string;
  /** sha256 hex over which nodes reported what and when: catches changes that keep the ratio. */
  readonly fingerprint: string;
  readonly nodes: number;
  readonly completed: number;
}

/** Everything the broker said in one pass, requests in ascending id order. */
export interface BrokerSnapshot {
  readonly tag: string;
  readonly requests: readonly BrokerRequest[];
  /**
   * How many requests the tag's list named, when only some were read (a targeted read):
   * the guard against mass deletion asks whether the list was empty, not the selection.
   */
  readonly listed?: number;
}

/** One `<request-status>` entry of the ledger `status.xml`. */
export interface LedgerEntry {
  readonly id: RequestId;
  readonly completion: string;
  /** `YYYY-MM-DD HH:MM:SS`, UTC, as the original writes it. Never changed after the first upload. */
  readonly uploaded: string;
  readonly lastUpdate?: string;
  /** Set when the request vanished and its file was deleted: the entry is a tombstone. */
  readonly deleted?: string;
  // Extensions of aktin-sftp, stored as attributes the original tool ignores.
  /** Broker fingerprint of the uploaded bundle. Absent on entries the original wrote. */
  readonly fingerprint?: string;
  /** Size in bytes of the uploaded (encrypted) file. */
  readonly tokenSize?: number;
  /** sha256 hex of the uploaded (encrypted) file. */
  readonly tokenSha256?: string;
  /** sha256 hex of the plaintext bundle. */
  readonly bundleSha256?: string;
  /** Id of the plan whose action last wrote this entry: how a resumed apply knows what is done. */
  readonly plan?: string;
  /** Which scheme and key sealed the file, `age:<key id>` (sealing-key.ts); absent: the configured Fernet key. */
  readonly key?: string;
}

/** The ledger: the tool's memory of what it uploaded. */
export interface Ledger {
  /** Random id given when aktin-sftp first writes the ledger; absent on a ledger the original wrote. */
  readonly lineage?: string;
  /** Incremented on every write. 0 for a ledger the original wrote. */
  readonly serial: number;
  /** Entries in file order (the original appends in apply order). */
  readonly entries: readonly LedgerEntry[];
  /** Id of the plan whose apply last wrote the ledger: a re-applied plan resumes from here. */
  readonly plan?: string;
  /**
   * Remote files (addresses) whose change an apply started but has not recorded yet. Written
   * before each rename or remove, cleared with the entry's update, so that after a crash the
   * next apply knows the remote file may already be in its new state.
   */
  readonly pending?: readonly string[];
}

/** A file in the remote SFTP folder. */
export interface RemoteFile {
  readonly name: string;
  readonly size: number;
  /** Modification time in whole seconds since the epoch. */
  readonly mtime: number;
  /** Absent for a regular file; what else a listing entry is. */
  readonly type?: 'directory' | 'symlink' | 'other';
}

/** Something that is not a regular file under a name the tool must write (`export_<id>.zip`, `status.xml`). */
export interface RemoteObstacle {
  readonly name: string;
  readonly type: 'directory' | 'symlink' | 'other';
}

/** The remote folder as one listing saw it, plus the remote ledger copy's digest if present. */
export interface RemoteListing {
  /** The regular files. */
  readonly files: readonly RemoteFile[];
  /** Names the tool writes that something other than a regular file occupies; absent when none. */
  readonly obstacles?: readonly RemoteObstacle[];
  /** sha256 hex of the remote `status.xml`, when it exists. */
  readonly ledgerSha256?: string;
}

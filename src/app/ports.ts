/**
 * The ports: the small interfaces through which use cases reach the outside world. Adapters in
 * src/adapters implement them; tests pass real adapters against local servers, or the clock.
 * Every method throws ProblemError for expected failures.
 */
import type { Readable, Transform } from 'node:stream';
import type { ContentRead } from '../core/drift.js';
import type { LedgerChange } from '../core/ledger-transitions.js';
import type { BrokerSnapshot, Ledger, RemoteFile, RequestId } from '../core/model.js';
import type { LedgerSnapshot } from '../core/observation.js';
import type { ActionKind } from '../core/plan.js';
import type { ProblemCode } from '../core/problem.js';

export type { LedgerSnapshot };

/** Reads desired state from the AKTIN Broker. Never writes to it. */
export interface BrokerReader {
  /**
   * Lists the tagged requests and reads each one's status list (bounded concurrency); with
   * `only`, reads the status of those of them alone (one list call, then one call each).
   */
  readSnapshot(tag: string, only?: readonly RequestId[]): Promise<BrokerSnapshot>;
  /** Exports a request's bundle and opens its download as a stream (never buffered whole). */
  openBundle(id: RequestId): Promise<BundleDownload>;
  close(): Promise<void>;
}

export interface BundleDownload {
  readonly stream: Readable;
  /** Content-Length when the broker sent it. */
  readonly size?: number;
  /** File name from Content-Disposition, validated; informative only. */
  readonly fileName?: string;
}

export interface WriteOptions {
  /**
   * The caller has just seen that the name is not there (it removed it, or its listing made under
   * the ledger lock has no such name): the look before the exclusive create is skipped.
   */
  readonly absent?: boolean;
}

/** One remote folder on the SFTP server. Names are relative to the folder, never paths. */
export interface RemoteFolder {
  /** Every entry of the folder; entries that are not regular files say what they are (`type`). */
  list(): Promise<RemoteFile[]>;
  /** null when the file does not exist. */
  stat(name: string): Promise<RemoteFile | null>;
  /** Reads a small file whole; null when it does not exist; fails above maxBytes. */
  read(name: string, maxBytes: number): Promise<Buffer | null>;
  /**
   * The sha256 and length of a file of any size, read in pieces (flat memory); null when it does
   * not exist. Once `signal` aborts it stops early, with the digest of what was read.
   */
  digest(name: string, signal?: AbortSignal): Promise<ContentRead>;
  /**
   * Writes a new file from a stream (fsync where the server offers it), never over an existing
   * name; resolves to the bytes written once the server reports the file at that size.
   */
  write(name: string, source: Readable, options?: WriteOptions): Promise<number>;
  /** Renames over an existing target, atomically where the server supports posix-rename (then `atomic`). */
  rename(from: string, to: string): Promise<{ atomic: boolean }>;
  /** Removes a file; false when it was already gone. */
  remove(name: string): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The ledger file beside its lock, backup and journal. write() and record() are cheap (one
 * durable journal record of what changed); flush() makes the ledger file itself current. Only a
 * run that holds the ledger lock calls write(), record() or flush(); read() never writes.
 */
export interface LedgerFile {
  /**
   * Reads and parses the ledger, replaying in memory what a journal left by an interrupted run
   * records; an absent file reads as an empty ledger with sha256 null.
   */
  read(): Promise<LedgerSnapshot>;
  /**
   * Records `ledger` (lineage set if absent, serial + 1) durably before it returns, in time
   * proportional to what changed since the last write. The snapshot's bytes (bytes()) are what
   * the ledger file will hold after the next flush(); they are formatted only when asked for.
   */
  write(ledger: Ledger): Promise<LedgerSnapshot>;
  /** Records one step of an apply durably before it returns, in time proportional to the step alone. */
  record(change: LedgerChange): Promise<void>;
  /** Writes the ledger file atomically with everything recorded (the previous version kept as a backup). */
  flush(): Promise<LedgerSnapshot>;
  /**
   * The exact bytes of a snapshot this store gave, null when it has no ledger file: read from the
   * file, which must still have the snapshot's sha256 (else a problem: something else wrote it),
   * or formatted for a snapshot not yet in the file.
   */
  bytes(snapshot: LedgerSnapshot): Promise<Buffer | null>;
  /** Where the ledger lives, for messages. */
  readonly path: string;
}

/** The ledger file beside its lock and backup. */
export interface LedgerStore extends LedgerFile {
  /** The text the store writes for a ledger (for previews; writes nothing). */
  format(ledger: Ledger): string;
  /** Takes the lock beside the ledger for the whole of a changing run; LEDGER_LOCKED when held. */
  lock(operation: string): Promise<LedgerLock>;
  /** Who holds the lock, null when it is free. */
  readLock(): Promise<LockInfo | null>;
  /** Removes the lock if its id is `lockId`; refuses otherwise. */
  forceUnlock(lockId: string): Promise<LockInfo>;
}

/** Terraform-style lock info, written beside the ledger and shown when the lock is held. */
export interface LockInfo {
  readonly id: string;
  readonly operation: string;
  /** user@host */
  readonly who: string;
  readonly pid: number;
  readonly host: string;
  readonly version: string;
  /** ISO-8601, UTC. */
  readonly created: string;
  /** The ledger the lock guards. */
  readonly path: string;
}

export interface LedgerLock {
  readonly info: LockInfo;
  release(): Promise<void>;
}

export interface Clock {
  now(): Date;
}

/**
 * One encryption scheme with its key loaded. The applier seals every bundle through it and proves
 * an upload complete by `sealedSize` alone, so it never needs to know which scheme it is.
 */
export interface Encryptor {
  /** The scheme, as the configuration names it (lower case). */
  readonly scheme: string;
  /** The scheme's name for people, in messages. */
  readonly label: string;
  /** A non-secret identity of the key (or recipient set): never the key, never reversible. */
  readonly keyId: string;
  /** The public-key schemes' recipients in their public form (what it takes to decrypt); absent for a shared secret. */
  readonly recipients?: readonly string[];
  /** A fresh sealing stream for one bundle. */
  seal(): Transform;
  /** The exact size of what seal() emits for a bundle of `plainBytes`: schemes whose size is not predictable do not fit this port. */
  sealedSize(plainBytes: number): number;
}

/** The two servers of a run, connected. */
export interface Connection {
  readonly broker: BrokerReader;
  readonly remote: RemoteFolder;
  close(): Promise<void>;
}

/**
 * Everything a use case may reach, built by the composition root from the configuration.
 * Nothing is opened until asked for: a use case decides the order (lock, key, connections).
 */
export interface World {
  readonly ledgerStore: LedgerStore;
  readonly clock: Clock;
  newPlanId(): string;
  /** Reads and checks the key file; never connects. */
  loadEncryptor(): Promise<Encryptor>;
  /** Connects to the broker and the SFTP server. */
  connect(): Promise<Connection>;
  /** Progress and warnings, adapters' included, as they happen. */
  readonly events: EventSink;
}

/** Progress of a use case, reported to the CLI, which renders it. Never printed by the app. */
export type AppEvent =
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'apply_start'; readonly plan_id: string; readonly actions: number }
  | { readonly type: 'action_start'; readonly address: string; readonly kind: ActionKind; readonly request_id?: RequestId }
  /** bytes: of the token sent so far; expected_bytes: its whole size, when the broker sent the bundle's. */
  | { readonly type: 'action_progress'; readonly address: string; readonly bytes: number; readonly expected_bytes?: number }
  | { readonly type: 'action_done'; readonly address: string; readonly kind: ActionKind; readonly request_id?: RequestId; readonly bytes?: number }
  | { readonly type: 'action_failed'; readonly address: string; readonly kind: ActionKind; readonly request_id?: RequestId; readonly code: ProblemCode; readonly message: string };

export type EventSink = (event: AppEvent) => void;

/**
 * The broker's admin websocket as events (docs/broker-protocol.md §8). It reconnects by itself; every
 * change of connection is reported, because events are lost while it is down and a watch must
 * then reconcile in full.
 */
export interface BrokerEventSource {
  /** Starts connecting; events and connection changes arrive through the callbacks until closed. */
  subscribe(onEvent: (event: import('../core/broker-event.js').BrokerEvent) => void, onState: (state: EventSourceState) => void): EventSubscription;
}

/** connected: the broker welcomed the session. disconnected: down (or never up), next try in retryInMs. */
export type EventSourceState =
  | { readonly connected: true }
  | { readonly connected: false; readonly reason: string; readonly retryInMs: number };

export interface EventSubscription {
  /** Stops listening and reconnecting; resolves once the socket is closed. */
  close(): Promise<void>;
}

/**
 * The ports: the small interfaces through which use cases reach the outside world. Adapters in
 * src/adapters implement them; tests pass real adapters against local servers, or the clock.
 * Every method throws ProblemError for expected failures.
 */
import type { Readable } from 'node:stream';
import type { BrokerSnapshot, Ledger, RemoteFile, RequestId } from '../core/model.js';

/** Reads desired state from the AKTIN Broker. Never writes to it. */
export interface BrokerReader {
  /** Lists the tagged requests and reads each one's status list (bounded concurrency). */
  readSnapshot(tag: string): Promise<BrokerSnapshot>;
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

/** One remote folder on the SFTP server. Names are relative to the folder, never paths. */
export interface RemoteFolder {
  /** Every regular file in the folder. */
  list(): Promise<RemoteFile[]>;
  /** null when the file does not exist. */
  stat(name: string): Promise<RemoteFile | null>;
  /** Reads a small file whole; null when it does not exist; fails above maxBytes. */
  read(name: string, maxBytes: number): Promise<Buffer | null>;
  /** Writes a new file from a stream (fsync where the server offers it); returns bytes written. */
  write(name: string, source: Readable): Promise<number>;
  /** Renames over an existing target, atomically where the server supports posix-rename. */
  rename(from: string, to: string): Promise<{ atomic: boolean }>;
  /** Removes a file; false when it was already gone. */
  remove(name: string): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The ledger file beside its lock, backup and journal. write() is cheap (one durable journal
 * record of what changed); flush() makes the ledger file itself current. Only a run that holds
 * the ledger lock calls write() or flush(); read() never writes.
 */
export interface LedgerStore {
  /**
   * Reads and parses the ledger, replaying in memory what a journal left by an interrupted run
   * records; an absent file reads as an empty ledger with bytes null.
   */
  read(): Promise<LedgerSnapshot>;
  /**
   * Records `ledger` (lineage set if absent, serial + 1) durably before it returns, in time
   * proportional to what changed since the last write. The snapshot's bytes are what the ledger
   * file will hold after the next flush(); they are formatted only when asked for.
   */
  write(ledger: Ledger): Promise<LedgerSnapshot>;
  /** Writes the ledger file atomically with everything recorded (the previous version kept as a backup). */
  flush(): Promise<LedgerSnapshot>;
  /** Where the ledger lives, for messages. */
  readonly path: string;
}

export interface LedgerSnapshot {
  readonly ledger: Ledger;
  /** The file's exact bytes, null when there is no ledger file yet. */
  readonly bytes: Buffer | null;
  /** sha256 hex of bytes, null when there is no ledger file yet. */
  readonly sha256: string | null;
}

export interface Clock {
  now(): Date;
}

/** Progress of a use case, reported to the CLI, which renders it. Never printed by the app. */
export type AppEvent =
  | { readonly type: 'info'; readonly message: string }
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'action_start'; readonly address: string; readonly kind: string }
  | { readonly type: 'action_progress'; readonly address: string; readonly bytes: number }
  | { readonly type: 'action_done'; readonly address: string; readonly kind: string; readonly bytes?: number }
  | { readonly type: 'action_failed'; readonly address: string; readonly kind: string; readonly message: string };

export type EventSink = (event: AppEvent) => void;

/**
 * The validated configuration. It is read from the original tool's TOML scopes (BROKER, REQUESTS,
 * SFTP, SECURITY, MISC) plus aktin-sftp's optional keys; see the README's configuration
 * reference. The remote and the encryption are unions on `kind`, so that another kind of remote or
 * scheme is one more variant, mapped from its own keys. Secrets are wrapped in `Secret` so they cannot leak into text by accident.
 */
import type { Secret } from './secret.js';

export interface BrokerConfig {
  /** Base URL without a trailing slash. */
  readonly url: string;
  readonly apiKey: Secret;
  /** Connect and per-read timeout, seconds. */
  readonly timeoutSeconds: number;
}

/** The [BROKER] table: where the broker is, and how hard a run may lean on it. */
export interface BrokerSettings extends BrokerConfig {
  /**
   * Calls in flight at the broker at once, and connections to it ([BROKER] CONCURRENCY): status
   * reads, the request list, exports and downloads all share this bound.
   */
  readonly concurrency: number;
}

/** Chosen by measuring broker latencies (the README has the figures). */
export const DEFAULT_BROKER_CONCURRENCY = 16;

export interface SftpConfig {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password?: Secret;
  /** Path of a private key file (OpenSSH or PEM). */
  readonly privateKey?: string;
  readonly privateKeyPassphrase?: Secret;
  /** SSH connect timeout, seconds. */
  readonly timeoutSeconds: number;
  /** Remote folder, relative to the login directory, as in the original. */
  readonly folder: string;
  /** Pinned host keys as `ssh-keygen -lf` prints them: `SHA256:<base64>`. */
  readonly hostKeyFingerprints: readonly string[];
  /** Path of an OpenSSH known_hosts file. */
  readonly knownHosts?: string;
  /** Permission bits of the files it creates ([SFTP] FILE_MODE); DEFAULT_FILE_MODE when absent. */
  readonly fileMode?: number;
}

/** The SFTP server and folder ([SFTP]), as the remote of a run. */
export interface SftpRemoteConfig extends SftpConfig {
  readonly kind: 'sftp';
}

/** Where the results go: one variant per kind of remote, all read from the same TOML keys as the original's. */
export type RemoteConfig = SftpRemoteConfig;

/** How each bundle is sealed ([SECURITY] ENCRYPTION): one variant per scheme. */
export type EncryptionConfig = FernetEncryptionConfig | AgeEncryptionConfig | Crypt4ghEncryptionConfig;

/** The default: one shared secret key, as the original tool. */
export interface FernetEncryptionConfig {
  readonly kind: 'fernet';
  /** Path of the key file ([SECURITY] PATH_ENCRYPTION_KEY). */
  readonly keyFile: string;
}

/** age v1 to X25519 recipients: the configuration holds public keys only. */
export interface AgeEncryptionConfig {
  readonly kind: 'age';
  /** `age1…` recipients as given ([SECURITY] RECIPIENTS); checked when the encryptor is loaded. */
  readonly recipients: readonly string[];
  /** Path of a recipients file in the age CLI's -R format ([SECURITY] RECIPIENTS_FILE). */
  readonly recipientsFile?: string;
}

/** Crypt4GH v1 to X25519 recipients: the configuration holds public keys only. */
export interface Crypt4ghEncryptionConfig {
  readonly kind: 'crypt4gh';
  /** Paths of Crypt4GH public key files ([SECURITY] RECIPIENT_KEYS), one recipient each. */
  readonly recipientKeys: readonly string[];
}

/** 0644, as the original's uploads got: recipients' accounts read them (the content is encrypted). */
export const DEFAULT_FILE_MODE = 0o644;

/** "0640", as the key is written. */
export function formatFileMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

export interface ApplyConfig {
  /** Actions in flight at once. */
  readonly concurrency: number;
  /** Cap on deletions per apply; null: only the "broker lists nothing" guard applies. */
  readonly maxDelete: number | null;
}

/** `aktin-sftp watch`: how it batches broker events and how often it reconciles in full. */
export interface WatchConfig {
  /** Quiet time after the last event before a targeted cycle, seconds. */
  readonly debounceSeconds: number;
  /** Interval of the full reconcile that catches what events do not announce (deletions), seconds. */
  readonly resyncSeconds: number;
}

export interface Config {
  /** The config file it was read from (absolute), for messages. */
  readonly source: string;
  readonly broker: BrokerSettings;
  readonly tag: string;
  readonly remote: RemoteConfig;
  readonly encryption: EncryptionConfig;
  /** Folder that holds the ledger `status.xml`, its backup and the lock. */
  readonly workingDir: string;
  readonly apply: ApplyConfig;
  readonly watch: WatchConfig;
  /** Optional CA bundle for HTTPS to the broker (the original's top-level REQUESTS_CA_BUNDLE). */
  readonly caBundle?: string;
}

/**
 * The catalogue of configuration keys: the original tool's TOML scopes and keys plus
 * aktin-sftp's optional ones. The rules, the environment overrides, the JSON schema test and
 * docs/configuration.md all follow this one list. Pure data.
 */

/** How a value is read: what types it may have and what it becomes. */
export type KeyKind =
  | 'text' // non-empty string (or integer, as the original str()'d values)
  | 'url' // http(s) URL, trailing slash removed
  | 'secret' // non-empty string, wrapped in Secret
  | 'file' // path of an existing file, relative to the config file's folder
  | 'directory' // path of an existing directory, relative to the config file's folder
  | 'folder' // remote folder, kept as given, trailing slash removed
  | 'seconds' // whole number of seconds > 0 (the original's int())
  | 'port' // 1–65535
  | 'count' // whole number 1–64
  | 'limit' // whole number >= 0
  | 'mode' // file permission bits as a string of 3–4 octal digits ("0640")
  | 'fingerprints' // list of "SHA256:<base64>" host-key fingerprints
  | 'scheme' // an encryption scheme: fernet, age or crypt4gh (lower case)
  | 'recipients' // list of non-empty strings (public keys, checked by their scheme)
  | 'files'; // list of paths of existing files, relative to the config file's folder

export interface ConfigKey {
  /** The TOML table, or null for the top-level REQUESTS_CA_BUNDLE. */
  readonly scope: string | null;
  readonly key: string;
  readonly kind: KeyKind;
  readonly required: boolean;
  /** A valid example value in TOML syntax, used in hints. */
  readonly example: string;
}

export const CONFIG_SCOPES = ['BROKER', 'REQUESTS', 'SFTP', 'SECURITY', 'MISC', 'APPLY', 'WATCH'] as const;

const key = (scope: string | null, name: string, kind: KeyKind, required: boolean, example: string): ConfigKey => ({
  scope,
  key: name,
  kind,
  required,
  example,
});

export const CONFIG_KEYS: readonly ConfigKey[] = [
  key(null, 'REQUESTS_CA_BUNDLE', 'file', false, '"/etc/ssl/certs/broker-ca.pem"'),
  key('BROKER', 'URL', 'url', true, '"https://broker.example.org"'),
  key('BROKER', 'API_KEY', 'secret', true, '"<admin API key>"'),
  key('BROKER', 'TIMEOUT', 'seconds', false, '10'),
  key('BROKER', 'CONCURRENCY', 'count', false, '16'),
  key('REQUESTS', 'TAG', 'text', true, '"rki"'),
  key('SFTP', 'HOST', 'text', true, '"sftp.example.org"'),
  key('SFTP', 'PORT', 'port', false, '22'),
  key('SFTP', 'USERNAME', 'text', true, '"sftpuser"'),
  key('SFTP', 'PASSWORD', 'secret', false, '"<password>"'),
  key('SFTP', 'PRIVATE_KEY', 'file', false, '"/etc/aktin-sftp/id_ed25519"'),
  key('SFTP', 'PRIVATE_KEY_PASSPHRASE', 'secret', false, '"<passphrase>"'),
  key('SFTP', 'TIMEOUT', 'seconds', true, '"25"'),
  key('SFTP', 'FOLDERNAME', 'folder', true, '"rki"'),
  key('SFTP', 'HOST_KEY_FINGERPRINTS', 'fingerprints', false, '["SHA256:<43 base64 characters>"]'),
  key('SFTP', 'KNOWN_HOSTS', 'file', false, '"/etc/aktin-sftp/known_hosts"'),
  key('SFTP', 'FILE_MODE', 'mode', false, '"0640"'),
  key('SECURITY', 'ENCRYPTION', 'scheme', false, '"age"'),
  // Required when ENCRYPTION is fernet (the default): config-rules.ts asks for it.
  key('SECURITY', 'PATH_ENCRYPTION_KEY', 'file', false, '"/etc/aktin-sftp/rki.key"'),
  key('SECURITY', 'RECIPIENTS', 'recipients', false, '["age1…"]'),
  key('SECURITY', 'RECIPIENTS_FILE', 'file', false, '"/etc/aktin-sftp/recipients.txt"'),
  key('SECURITY', 'RECIPIENT_KEYS', 'files', false, '["/etc/aktin-sftp/rki.c4gh.pub"]'),
  key('MISC', 'WORKING_DIR', 'directory', true, '"/var/lib/aktin-sftp"'),
  key('APPLY', 'CONCURRENCY', 'count', false, '4'),
  key('APPLY', 'MAX_DELETE', 'limit', false, '10'),
  key('WATCH', 'DEBOUNCE', 'seconds', false, '2'),
  key('WATCH', 'RESYNC', 'seconds', false, '3600'),
];

/** `[SFTP] TIMEOUT`, or `REQUESTS_CA_BUNDLE` for the top-level key. */
export function keyLabel(k: Pick<ConfigKey, 'scope' | 'key'>): string {
  return k.scope === null ? k.key : `[${k.scope}] ${k.key}`;
}

/** `AKTIN_SFTP_SFTP_PASSWORD`; append `_FILE` to read the value from a file. */
export function envName(k: Pick<ConfigKey, 'scope' | 'key'>): string {
  return `AKTIN_SFTP_${k.scope === null ? '' : `${k.scope}_`}${k.key}`;
}

/** `SFTP.PASSWORD`: how origins are keyed (the original's flattened names). */
export function dottedName(k: Pick<ConfigKey, 'scope' | 'key'>): string {
  return k.scope === null ? k.key : `${k.scope}.${k.key}`;
}

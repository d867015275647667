/**
 * Configuration rules: from the raw parsed TOML (environment overrides already merged) to the
 * validated Config, collecting every problem at once. Each message names the file and the
 * `[SCOPE] KEY` and says what was expected and what was found. Pure: whether paths exist is
 * checked by the adapter, which gets the list of paths from here.
 * Never puts a secret into a problem, a warning or the non-secret view.
 */
import { basename, dirname, resolve } from 'node:path';
import { DEFAULT_BROKER_CONCURRENCY, DEFAULT_FILE_MODE, formatFileMode, type Config, type EncryptionConfig } from './config.js';
import { buildEncryption, encryptionProblems, encryptionView } from './config-encryption.js';
import { CONFIG_KEYS, CONFIG_SCOPES, dottedName, envName, keyLabel, type ConfigKey } from './config-keys.js';
import { describeValue, readValue } from './config-values.js';
import { unknownKeyProblems } from './config-unknown-keys.js';
import { problem, type Problem } from './problem.js';
import { Secret } from './secret.js';

export interface RawConfig {
  /** Absolute path of the config file. */
  readonly file: string;
  /** The parsed TOML with environment overrides applied. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Where a value came from when not from the file, keyed `SFTP.PASSWORD`: "AKTIN_SFTP_SFTP_PASSWORD". */
  readonly origins?: Readonly<Record<string, string>>;
}

export interface PathToCheck {
  readonly key: ConfigKey;
  readonly path: string;
  readonly type: 'file' | 'directory';
}

export interface ConfigCheck {
  /** Present when there are no problems (path existence aside). */
  readonly config?: Config;
  readonly problems: Problem[];
  readonly warnings: string[];
  /** Paths the adapter must find on disk: every given file/directory key, even when others failed. */
  readonly paths: PathToCheck[];
}

export interface RuleOptions {
  /** Allow a config without pinned host keys (plan prints the fingerprint the server presents). */
  readonly allowMissingHostKey?: boolean;
}

export function checkConfig(raw: RawConfig, options: RuleOptions = {}): ConfigCheck {
  const { problems, warnings } = unknownKeyProblems(raw.values, raw.file, basename(raw.file));
  const paths: PathToCheck[] = [];
  const got = new Map<string, unknown>();
  // Keys given at all, valid or not: an invalid PASSWORD is its own problem, not also a missing one.
  const given = new Set<string>();

  for (const scope of CONFIG_SCOPES) {
    const table = raw.values[scope];
    if (table !== undefined && !isTable(table)) {
      problems.push(invalid(raw, `\`[${scope}]\` in ${basename(raw.file)}`, `a table ([${scope}] followed by keys)`, describeValue(table, false)));
    }
  }
  for (const k of CONFIG_KEYS) {
    const value = valueOf(raw.values, k);
    if (value === undefined) {
      if (k.required) problems.push(missing(raw, k));
      continue;
    }
    given.add(dottedName(k));
    const read = readValue(k.kind, value);
    if (!read.ok) {
      problems.push(
        read.reason
          ? problem('CONFIG_INVALID', `${subject(raw, k)} ${read.reason}`, `File: ${raw.file}`, reasonHint(k))
          : invalid(raw, subject(raw, k), read.expected, read.got ?? describeValue(value, k.kind === 'secret')),
      );
      continue;
    }
    if (HEADER_KEYS.has(dottedName(k)) && !HEADER_SAFE.test(read.value as string)) {
      problems.push(
        problem(
          'CONFIG_INVALID',
          `${subject(raw, k)} must consist of printable ASCII characters`,
          `File: ${raw.file}\nIt is sent to the broker in the Authorization header, which carries nothing else.`,
          reasonHint(k),
        ),
      );
      continue;
    }
    if (k.kind === 'file' || k.kind === 'directory') {
      const path = resolve(dirname(raw.file), read.value as string);
      paths.push({ key: k, path, type: k.kind });
      got.set(dottedName(k), path);
    } else if (k.kind === 'files') {
      const list = (read.value as string[]).map((p) => resolve(dirname(raw.file), p));
      paths.push(...list.map((path) => ({ key: k, path, type: 'file' as const })));
      got.set(dottedName(k), list);
    } else {
      got.set(dottedName(k), read.value);
    }
  }

  const has = (name: string) => given.has(name);
  if (!has('SFTP.PASSWORD') && !has('SFTP.PRIVATE_KEY')) {
    problems.push(
      problem(
        'CONFIG_INVALID',
        `\`[SFTP] PASSWORD\` or \`[SFTP] PRIVATE_KEY\` must be set in ${basename(raw.file)}`,
        `File: ${raw.file}\nThe SFTP login needs a password or a private key file.`,
        `Add PASSWORD = "…" or PRIVATE_KEY = "/path/to/key" under [SFTP], or set ${envName({ scope: 'SFTP', key: 'PASSWORD' })}_FILE to a file holding the password.`,
      ),
    );
  }
  const pins = (got.get('SFTP.HOST_KEY_FINGERPRINTS') as string[] | undefined) ?? [];
  const pinsInvalid = has('SFTP.HOST_KEY_FINGERPRINTS') && !got.has('SFTP.HOST_KEY_FINGERPRINTS');
  if (pins.length === 0 && !pinsInvalid && !has('SFTP.KNOWN_HOSTS') && !options.allowMissingHostKey) {
    problems.push(
      problem(
        'CONFIG_INVALID',
        `\`[SFTP] HOST_KEY_FINGERPRINTS\` or \`[SFTP] KNOWN_HOSTS\` must be set in ${basename(raw.file)}`,
        `File: ${raw.file}\naktin-sftp never trusts an unknown SFTP server: it needs the server's host key, pinned by fingerprint or listed in a known_hosts file (the original tool accepted any key, open to a man in the middle).`,
        "Run 'aktin-sftp plan': it prints the fingerprint the server presents, ready to paste as\n" +
          'HOST_KEY_FINGERPRINTS = ["SHA256:…"] under [SFTP]. Compare it with the server\'s own\n' +
          '(`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the server) before you trust it.',
      ),
    );
  }
  if (got.has('SFTP.PRIVATE_KEY_PASSPHRASE') && !has('SFTP.PRIVATE_KEY')) {
    warnings.push(`\`[SFTP] PRIVATE_KEY_PASSPHRASE\` in ${basename(raw.file)} is ignored: there is no PRIVATE_KEY.`);
  }

  problems.push(...encryptionProblems(raw, given, (got.get('SECURITY.ENCRYPTION') as EncryptionConfig['kind'] | undefined) ?? 'fernet'));

  if (problems.length > 0) return { problems, warnings, paths };
  return { config: buildConfig(raw.file, got, pins), problems, warnings, paths };
}

/** The problem for a path that is not on disk as expected; `found` says what is there instead. */
export function pathProblem(raw: Pick<RawConfig, 'file' | 'origins'>, check: PathToCheck, found: string): Problem {
  const what = check.type === 'file' ? 'an existing file' : 'an existing directory';
  return problem(
    'CONFIG_INVALID',
    `${subject(raw, check.key)} must be ${what}, got ${JSON.stringify(check.path)} (${found})`,
    `File: ${raw.file}\nRelative paths are resolved against the config file's folder.`,
    check.type === 'directory' ? `Create the directory (mkdir -p ${check.path}) or correct the path.` : 'Correct the path, or create the file.',
  );
}

function buildConfig(source: string, got: Map<string, unknown>, pins: string[]): Config {
  const str = (name: string) => got.get(name) as string;
  const optional = <T>(name: string, make: (v: never) => T) => (got.has(name) ? make(got.get(name) as never) : undefined);
  const password = optional('SFTP.PASSWORD', (v: string) => new Secret(v));
  const privateKey = optional('SFTP.PRIVATE_KEY', (v: string) => v);
  const passphrase = optional('SFTP.PRIVATE_KEY_PASSPHRASE', (v: string) => new Secret(v));
  const knownHosts = optional('SFTP.KNOWN_HOSTS', (v: string) => v);
  const caBundle = optional('REQUESTS_CA_BUNDLE', (v: string) => v);
  return {
    source,
    broker: { url: str('BROKER.URL'), apiKey: new Secret(str('BROKER.API_KEY')), timeoutSeconds: (got.get('BROKER.TIMEOUT') as number) ?? 10, concurrency: (got.get('BROKER.CONCURRENCY') as number) ?? DEFAULT_BROKER_CONCURRENCY },
    tag: str('REQUESTS.TAG'),
    remote: {
      kind: 'sftp',
      host: str('SFTP.HOST'),
      port: (got.get('SFTP.PORT') as number) ?? 22,
      username: str('SFTP.USERNAME'),
      ...(password ? { password } : {}),
      ...(privateKey ? { privateKey } : {}),
      ...(passphrase && privateKey ? { privateKeyPassphrase: passphrase } : {}),
      timeoutSeconds: got.get('SFTP.TIMEOUT') as number,
      folder: str('SFTP.FOLDERNAME'),
      hostKeyFingerprints: pins,
      ...(knownHosts ? { knownHosts } : {}),
      fileMode: (got.get('SFTP.FILE_MODE') as number) ?? DEFAULT_FILE_MODE,
    },
    encryption: buildEncryption(got),
    workingDir: str('MISC.WORKING_DIR'),
    apply: { concurrency: (got.get('APPLY.CONCURRENCY') as number) ?? 4, maxDelete: (got.get('APPLY.MAX_DELETE') as number) ?? null },
    watch: { debounceSeconds: (got.get('WATCH.DEBOUNCE') as number) ?? 2, resyncSeconds: (got.get('WATCH.RESYNC') as number) ?? 3600 },
    ...(caBundle ? { caBundle } : {}),
  };
}

/**
 * Everything in the config except secrets, which show only whether they are set. Its digest is a
 * saved plan's config_sha256: the keys and their order stay as they were before the remote and
 * the encryption became unions, or every plan saved before would be refused as foreign.
 */
export function nonSecretConfigView(config: Config): object {
  const { broker, remote: sftp, apply, watch } = config;
  return {
    broker: { url: broker.url, api_key_set: broker.apiKey !== undefined, timeout_seconds: broker.timeoutSeconds, concurrency: broker.concurrency },
    tag: config.tag,
    sftp: {
      host: sftp.host,
      port: sftp.port,
      username: sftp.username,
      password_set: sftp.password !== undefined,
      private_key: sftp.privateKey ?? null,
      private_key_passphrase_set: sftp.privateKeyPassphrase !== undefined,
      timeout_seconds: sftp.timeoutSeconds,
      folder: sftp.folder,
      host_key_fingerprints: [...sftp.hostKeyFingerprints],
      known_hosts: sftp.knownHosts ?? null,
      file_mode: formatFileMode(sftp.fileMode ?? DEFAULT_FILE_MODE),
    },
    key_file: config.encryption.kind === 'fernet' ? config.encryption.keyFile : null,
    working_dir: config.workingDir,
    apply: { concurrency: apply.concurrency, max_delete: apply.maxDelete },
    watch: { debounce_seconds: watch.debounceSeconds, resync_seconds: watch.resyncSeconds },
    ca_bundle: config.caBundle ?? null,
    // Only for the public-key schemes: a Fernet configuration's view (and digest) stays as it was.
    ...encryptionView(config.encryption),
  };
}

/** Values that travel in an HTTP header: the broker's API key (`Authorization: Bearer <key>`). */
const HEADER_KEYS = new Set(['BROKER.API_KEY']);
const HEADER_SAFE = /^[\x20-\x7e]+$/;

function reasonHint(k: ConfigKey): string {
  return k.kind === 'secret'
    ? `Check how the value was written (a copied line break, a stray character); with ${envName(k)}_FILE a trailing newline is trimmed.`
    : 'Correct the value.';
}

function valueOf(values: Readonly<Record<string, unknown>>, k: ConfigKey): unknown {
  if (k.scope === null) return values[k.key];
  const table = values[k.scope];
  return isTable(table) ? table[k.key] : undefined;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function subject(raw: Pick<RawConfig, 'file' | 'origins'>, k: ConfigKey): string {
  const origin = raw.origins?.[dottedName(k)];
  return `\`${keyLabel(k)}\` ${origin ? `(from ${origin})` : `in ${basename(raw.file)}`}`;
}

function invalid(raw: RawConfig, what: string, expected: string, got: string): Problem {
  return problem('CONFIG_INVALID', `${what} must be ${expected}, got ${got}`, `File: ${raw.file}`);
}

function missing(raw: RawConfig, k: ConfigKey): Problem {
  const where = k.scope === null ? 'at the top of the file' : `under [${k.scope}]`;
  return problem(
    'CONFIG_INVALID',
    `\`${keyLabel(k)}\` is missing in ${basename(raw.file)}`,
    `File: ${raw.file}`,
    `Add ${k.key} = ${k.example} ${where}, or set ${envName(k)}.`,
  );
}

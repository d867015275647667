import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONFIG_KEYS, keyLabel } from '../../src/core/config-keys.js';
import { checkConfig, nonSecretConfigView, pathProblem, type RawConfig } from '../../src/core/config-rules.js';

const FILE = '/etc/aktin/settings.toml';
const PIN = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';
const SECRETS = ['s3cr3t-api-key', 's3cr3t-password', 's3cr3t-passphrase'];

function values(patch: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, Record<string, unknown>> = {
    BROKER: { URL: 'http://localhost:8080', API_KEY: SECRETS[0] },
    REQUESTS: { TAG: 'rki' },
    SFTP: { HOST: '127.0.0.1', USERNAME: 'sftpuser', PASSWORD: SECRETS[1], TIMEOUT: '25', FOLDERNAME: 'rki', HOST_KEY_FINGERPRINTS: [PIN] },
    SECURITY: { PATH_ENCRYPTION_KEY: '/opt/rki.key' },
    MISC: { WORKING_DIR: '/opt' },
  };
  const out: Record<string, unknown> = { ...base };
  for (const [scope, table] of Object.entries(patch)) {
    out[scope] = typeof table === 'object' && table !== null && !Array.isArray(table) ? { ...base[scope], ...(table) } : table;
  }
  return out;
}

const raw = (v: Record<string, unknown>, origins?: Record<string, string>): RawConfig => ({ file: FILE, values: v, ...(origins ? { origins } : {}) });
const titles = (v: Record<string, unknown>, options = {}) => checkConfig(raw(v), options).problems.map((p) => p.title);

describe('config rules: one value at a time', () => {
  const rejected: { name: string; patch: Record<string, unknown>; want: string }[] = [
    { name: 'fractional TIMEOUT string (int() fails in the original)', patch: { SFTP: { TIMEOUT: '25.5' } }, want: '`[SFTP] TIMEOUT` in settings.toml must be a whole number of seconds, got "25.5"' },
    { name: 'fractional TIMEOUT number', patch: { SFTP: { TIMEOUT: 25.5 } }, want: '`[SFTP] TIMEOUT` in settings.toml must be a whole number of seconds, got 25.5' },
    { name: 'zero TIMEOUT', patch: { SFTP: { TIMEOUT: 0 } }, want: '`[SFTP] TIMEOUT` in settings.toml must be a whole number of seconds, got 0' },
    { name: 'word TIMEOUT', patch: { SFTP: { TIMEOUT: 'soon' } }, want: 'got "soon"' },
    { name: 'boolean BROKER TIMEOUT', patch: { BROKER: { TIMEOUT: true } }, want: '`[BROKER] TIMEOUT` in settings.toml must be a whole number of seconds, got true' },
    { name: 'PORT 0', patch: { SFTP: { PORT: 0 } }, want: '`[SFTP] PORT` in settings.toml must be a port number from 1 to 65535, got 0' },
    { name: 'PORT 65536', patch: { SFTP: { PORT: 65536 } }, want: 'must be a port number from 1 to 65535, got 65536' },
    { name: 'PORT with letters', patch: { SFTP: { PORT: '22x' } }, want: 'got "22x"' },
    { name: 'URL without scheme', patch: { BROKER: { URL: 'localhost:8080' } }, want: '`[BROKER] URL` in settings.toml must be an http:// or https:// URL, got "localhost:8080"' },
    { name: 'ftp URL', patch: { BROKER: { URL: 'ftp://broker' } }, want: 'must be an http:// or https:// URL' },
    { name: 'URL with a password', patch: { BROKER: { URL: 'https://admin:hunter2@broker' } }, want: 'got a URL with a user name or password in it' },
    { name: 'MD5 fingerprint', patch: { SFTP: { HOST_KEY_FINGERPRINTS: ['MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48'] } }, want: '`[SFTP] HOST_KEY_FINGERPRINTS` in settings.toml must be a list of host-key fingerprints' },
    { name: 'truncated fingerprint', patch: { SFTP: { HOST_KEY_FINGERPRINTS: ['SHA256:abc'] } }, want: 'got "SHA256:abc"' },
    { name: 'CONCURRENCY 0', patch: { APPLY: { CONCURRENCY: 0 } }, want: '`[APPLY] CONCURRENCY` in settings.toml must be a whole number from 1 to 64, got 0' },
    { name: 'CONCURRENCY 65', patch: { APPLY: { CONCURRENCY: 65 } }, want: 'got 65' },
    { name: 'negative MAX_DELETE', patch: { APPLY: { MAX_DELETE: -1 } }, want: '`[APPLY] MAX_DELETE` in settings.toml must be a whole number, 0 or more, got -1' },
    { name: 'empty TAG', patch: { REQUESTS: { TAG: '' } }, want: '`[REQUESTS] TAG` in settings.toml must be a non-empty string, got ""' },
    { name: 'TAG as a list', patch: { REQUESTS: { TAG: ['rki'] } }, want: 'got a list' },
    { name: 'empty FOLDERNAME', patch: { SFTP: { FOLDERNAME: '' } }, want: '`[SFTP] FOLDERNAME` in settings.toml must be a folder relative to the SFTP login directory' },
    { name: 'empty PASSWORD is not shown', patch: { SFTP: { PASSWORD: '' } }, want: '`[SFTP] PASSWORD` in settings.toml must be a non-empty string, got an empty string' },
    { name: 'SFTP not a table', patch: { SFTP: 'sftp.example.org' }, want: '`[SFTP]` in settings.toml must be a table ([SFTP] followed by keys), got "sftp.example.org"' },
    { name: 'WORKING_DIR as a date', patch: { MISC: { WORKING_DIR: new Date(0) } }, want: 'got a date' },
    { name: 'FILE_MODE as a TOML number (which base?)', patch: { SFTP: { FILE_MODE: 640 } }, want: '`[SFTP] FILE_MODE` in settings.toml must be a string of octal digits in quotes, like "0640", got the number 640' },
    { name: 'FILE_MODE with a digit 8', patch: { SFTP: { FILE_MODE: '0648' } }, want: '`[SFTP] FILE_MODE` in settings.toml must be a file mode of 3 or 4 octal digits in quotes, like "0640", got "0648"' },
    { name: 'FILE_MODE of 2 digits', patch: { SFTP: { FILE_MODE: '64' } }, want: 'got "64"' },
    { name: 'FILE_MODE of 5 digits', patch: { SFTP: { FILE_MODE: '00644' } }, want: 'got "00644"' },
    { name: 'FILE_MODE symbolic', patch: { SFTP: { FILE_MODE: 'u=rw,g=r' } }, want: 'got "u=rw,g=r"' },
    { name: 'FILE_MODE setuid', patch: { SFTP: { FILE_MODE: '4644' } }, want: '`[SFTP] FILE_MODE` in settings.toml must not set the setuid, setgid or sticky bit, got "4644"' },
    { name: 'FILE_MODE sticky', patch: { SFTP: { FILE_MODE: '1644' } }, want: 'must not set the setuid, setgid or sticky bit' },
    { name: 'FILE_MODE the owner cannot read', patch: { SFTP: { FILE_MODE: '0244' } }, want: '`[SFTP] FILE_MODE` in settings.toml must let the owner read the uploaded files' },
    { name: 'FILE_MODE 000', patch: { SFTP: { FILE_MODE: '000' } }, want: 'must let the owner read the uploaded files' },
  ];
  for (const c of rejected) {
    it(`rejects ${c.name}`, () => {
      const check = checkConfig(raw(values(c.patch)));
      assert.equal(check.config, undefined);
      assert.ok(check.problems.length >= 1);
      assert.ok(check.problems.every((p) => p.code === 'CONFIG_INVALID'));
      assert.ok(
        check.problems.some((p) => p.title.includes(c.want)),
        `no problem says ${JSON.stringify(c.want)}: ${JSON.stringify(check.problems.map((p) => p.title))}`,
      );
      assert.ok(check.problems.every((p) => p.detail?.includes(FILE)), 'every problem names the file');
    });
  }

  const accepted: { name: string; patch: Record<string, unknown>; read: (c: NonNullable<ReturnType<typeof checkConfig>['config']>) => unknown; want: unknown }[] = [
    { name: 'TIMEOUT as the original quotes it', patch: { SFTP: { TIMEOUT: '25' } }, read: (c) => c.remote.timeoutSeconds, want: 25 },
    { name: 'TIMEOUT as an integer', patch: { SFTP: { TIMEOUT: 25 } }, read: (c) => c.remote.timeoutSeconds, want: 25 },
    { name: "TIMEOUT as Python's int() reads it", patch: { SFTP: { TIMEOUT: ' +25 ' } }, read: (c) => c.remote.timeoutSeconds, want: 25 },
    { name: 'PORT as a string', patch: { SFTP: { PORT: '2222' } }, read: (c) => c.remote.port, want: 2222 },
    { name: 'URL trailing slash removed', patch: { BROKER: { URL: 'https://broker.example.org/aktin//' } }, read: (c) => c.broker.url, want: 'https://broker.example.org/aktin' },
    { name: 'FOLDERNAME trailing slash removed, kept relative', patch: { SFTP: { FOLDERNAME: 'drop/rki/' } }, read: (c) => c.remote.folder, want: 'drop/rki' },
    { name: 'FOLDERNAME root kept', patch: { SFTP: { FOLDERNAME: '/' } }, read: (c) => c.remote.folder, want: '/' },
    { name: 'FOLDERNAME login directory', patch: { SFTP: { FOLDERNAME: '.' } }, read: (c) => c.remote.folder, want: '.' },
    { name: 'relative key file resolved against the config folder', patch: { SECURITY: { PATH_ENCRYPTION_KEY: 'keys/rki.key' } }, read: (c) => (c.encryption.kind === 'fernet' ? c.encryption.keyFile : undefined), want: '/etc/aktin/keys/rki.key' },
    { name: 'absolute working dir kept', patch: { MISC: { WORKING_DIR: '/var/lib/aktin-sftp' } }, read: (c) => c.workingDir, want: '/var/lib/aktin-sftp' },
    { name: 'a single fingerprint string', patch: { SFTP: { HOST_KEY_FINGERPRINTS: PIN } }, read: (c) => c.remote.hostKeyFingerprints, want: [PIN] },
    { name: 'MAX_DELETE 0', patch: { APPLY: { MAX_DELETE: 0 } }, read: (c) => c.apply.maxDelete, want: 0 },
    { name: 'integer TAG, as the original str()-ed it', patch: { REQUESTS: { TAG: 2024 } }, read: (c) => c.tag, want: '2024' },
    { name: 'CA bundle at the top', patch: { REQUESTS_CA_BUNDLE: 'ca.pem' }, read: (c) => c.caBundle, want: '/etc/aktin/ca.pem' },
    { name: 'FILE_MODE "0640"', patch: { SFTP: { FILE_MODE: '0640' } }, read: (c) => c.remote.fileMode, want: 0o640 },
    { name: 'FILE_MODE of 3 digits, blanks around', patch: { SFTP: { FILE_MODE: ' 600 ' } }, read: (c) => c.remote.fileMode, want: 0o600 },
    { name: 'FILE_MODE read-only for the owner', patch: { SFTP: { FILE_MODE: '0400' } }, read: (c) => c.remote.fileMode, want: 0o400 },
  ];
  for (const c of accepted) {
    it(`accepts ${c.name}`, () => {
      const check = checkConfig(raw(values(c.patch)));
      assert.deepEqual(check.problems, []);
      assert.deepEqual(c.read(check.config!), c.want);
    });
  }
});

describe('config rules: the whole file', () => {
  it('fills the defaults of the optional keys', () => {
    const { config } = checkConfig(raw(values()));
    assert.equal(config!.broker.timeoutSeconds, 10);
    assert.equal(config!.remote.port, 22);
    assert.equal(config!.remote.fileMode, 0o644);
    assert.deepEqual(config!.apply, { concurrency: 4, maxDelete: null });
    assert.deepEqual(config!.watch, { debounceSeconds: 2, resyncSeconds: 3600 });
    assert.equal(config!.source, FILE);
    assert.equal(config!.remote.password!.reveal(), SECRETS[1]);
    assert.equal(config!.broker.apiKey.reveal(), SECRETS[0]);
  });

  it('reports every missing key at once', () => {
    const list = titles({});
    const required = CONFIG_KEYS.filter((k) => k.required);
    for (const k of required) assert.ok(list.includes(`\`${keyLabel(k)}\` is missing in settings.toml`), keyLabel(k));
    assert.ok(list.some((t) => t.includes('`[SFTP] PASSWORD` or `[SFTP] PRIVATE_KEY` must be set')));
    assert.ok(list.some((t) => t.includes('`[SFTP] HOST_KEY_FINGERPRINTS` or `[SFTP] KNOWN_HOSTS` must be set')));
    // Required only for Fernet, the default scheme (core/config-encryption.ts).
    assert.ok(list.includes('`[SECURITY] PATH_ENCRYPTION_KEY` is missing in settings.toml'));
    assert.equal(list.length, required.length + 3);
  });

  it('reports problems of different keys together', () => {
    const list = titles(values({ SFTP: { TIMEOUT: '25.5', PORT: 0 }, BROKER: { URL: 'nope' }, APPLY: { CONCURRENCY: 0 } }));
    assert.equal(list.length, 4, JSON.stringify(list));
  });

  it('gives the missing-key hint with an example and the environment variable', () => {
    const p = checkConfig(raw(JSON.parse(JSON.stringify(values({ REQUESTS: { TAG: undefined } }))))).problems.find((x) => x.title.includes('TAG'))!;
    assert.match(p.hint!, /Add TAG = "rki" under \[REQUESTS\], or set AKTIN_SFTP_REQUESTS_TAG/);
  });

  it('requires a pinned host key, explaining that plan prints the fingerprint', () => {
    const v = values({ SFTP: { HOST_KEY_FINGERPRINTS: [] } });
    const p = checkConfig(raw(v)).problems;
    assert.equal(p.length, 1);
    assert.match(p[0]!.detail!, /never trusts an unknown SFTP server/);
    assert.match(p[0]!.hint!, /aktin-sftp plan/);
    assert.match(p[0]!.hint!, /HOST_KEY_FINGERPRINTS = \["SHA256:…"\]/);
    const allowed = checkConfig(raw(v), { allowMissingHostKey: true });
    assert.deepEqual(allowed.problems, []);
    assert.deepEqual(allowed.config!.remote.hostKeyFingerprints, []);
  });

  it('accepts KNOWN_HOSTS instead of pins and a private key instead of a password', () => {
    const v = values({ SFTP: { HOST_KEY_FINGERPRINTS: undefined, KNOWN_HOSTS: 'known_hosts', PASSWORD: undefined, PRIVATE_KEY: 'id_ed25519', PRIVATE_KEY_PASSPHRASE: SECRETS[2] } });
    const check = checkConfig(raw(JSON.parse(JSON.stringify(v))));
    assert.deepEqual(check.problems, []);
    assert.equal(check.config!.remote.knownHosts, '/etc/aktin/known_hosts');
    assert.equal(check.config!.remote.privateKey, '/etc/aktin/id_ed25519');
    assert.equal(check.config!.remote.password, undefined);
    assert.equal(check.config!.remote.privateKeyPassphrase!.reveal(), SECRETS[2]);
    assert.deepEqual(
      check.paths.map((p) => [keyLabel(p.key), p.type]),
      [
        ['[SFTP] PRIVATE_KEY', 'file'],
        ['[SFTP] KNOWN_HOSTS', 'file'],
        ['[SECURITY] PATH_ENCRYPTION_KEY', 'file'],
        ['[MISC] WORKING_DIR', 'directory'],
      ],
    );
  });

  it('requires a password or a private key', () => {
    const list = titles(JSON.parse(JSON.stringify(values({ SFTP: { PASSWORD: undefined } }))));
    assert.deepEqual(list, ['`[SFTP] PASSWORD` or `[SFTP] PRIVATE_KEY` must be set in settings.toml']);
  });

  it('refuses unknown keys and tables in every table, with did you mean; the original\'s retired [SMTP] is only warned', () => {
    const check = checkConfig(raw(values({ SMTP: { HOST: 'mail' }, SFTP: { HOSTNAME: 'x' }, MISC: { REQUESTS_CA_BUNDLE: 'ca.pem' }, APPLY: { MAX_DELTE: 0 } })));
    assert.deepEqual(check.config, undefined);
    assert.deepEqual(
      check.problems.map((p) => [p.code, p.title]),
      [
        ['CONFIG_INVALID', '`[SFTP] HOSTNAME` in settings.toml is not a known key (did you mean HOST?)'],
        ['CONFIG_INVALID', '`[MISC] REQUESTS_CA_BUNDLE` in settings.toml has no effect inside a table'],
        ['CONFIG_INVALID', '`[APPLY] MAX_DELTE` in settings.toml is not a known key (did you mean MAX_DELETE?)'],
      ],
    );
    assert.match(check.problems[1]!.hint!, /Move REQUESTS_CA_BUNDLE to the top of the file/);
    assert.equal(check.problems[2]!.hint, 'Correct the name or remove it. The keys of [APPLY] are CONCURRENCY, MAX_DELETE.');
    assert.deepEqual(check.warnings, ['`SMTP` in settings.toml is ignored: the original tool\'s e-mail notifier settings are no longer used.']);
    const table = checkConfig(raw(values({ APLY: { MAX_DELETE: 0 } })));
    assert.deepEqual(table.problems.map((p) => p.title), ['`APLY` in settings.toml is not a known table or key (did you mean APPLY?)']);
    for (const scope of ['BROKER', 'REQUESTS', 'SFTP', 'SECURITY', 'MISC', 'APPLY', 'WATCH']) {
      assert.deepEqual(checkConfig(raw(values({ [scope]: { TYPO_KEY: 1 } }))).problems.map((p) => p.title), [`\`[${scope}] TYPO_KEY\` in settings.toml is not a known key`]);
    }
  });

  it('accepts every key of the original, REQUESTS_CA_BUNDLE at the top level among them', () => {
    const check = checkConfig(raw({ ...values({}), REQUESTS_CA_BUNDLE: 'ca.pem' }));
    assert.deepEqual(check.problems, []);
    assert.deepEqual(check.warnings, []);
  });

  it('names the environment variable a bad value came from', () => {
    const list = checkConfig(raw(values({ SFTP: { PORT: 'abc' } }), { 'SFTP.PORT': 'AKTIN_SFTP_SFTP_PORT' })).problems.map((p) => p.title);
    assert.deepEqual(list, ['`[SFTP] PORT` (from AKTIN_SFTP_SFTP_PORT) must be a port number from 1 to 65535, got "abc"']);
  });

  it('words a path problem with key, file and what was found', () => {
    const check = checkConfig(raw(values()));
    const p = pathProblem(raw(values()), check.paths.find((x) => x.type === 'directory')!, 'not found');
    assert.equal(p.code, 'CONFIG_INVALID');
    assert.equal(p.title, '`[MISC] WORKING_DIR` in settings.toml must be an existing directory, got "/opt" (not found)');
    assert.match(p.hint!, /mkdir -p \/opt/);
  });
});

describe('config rules: secrets', () => {
  it('never puts a secret into a problem or warning', () => {
    const bad = values({
      BROKER: { API_KEY: SECRETS[0], URL: `https://x:${SECRETS[1]}@broker` },
      SFTP: { PASSWORD: [SECRETS[1]], PRIVATE_KEY_PASSPHRASE: SECRETS[2], TIMEOUT: 'x' },
      [SECRETS[2]!]: 1,
    });
    const check = checkConfig(raw(bad));
    const text = JSON.stringify([check.problems, check.warnings]);
    assert.ok(check.problems.length >= 3);
    for (const s of SECRETS.slice(0, 2)) assert.ok(!text.includes(s), `${s} leaked: ${text}`);
  });

  it('shows secrets in the non-secret view only as whether they are set', () => {
    const v = values({ SFTP: { PRIVATE_KEY: 'id', PRIVATE_KEY_PASSPHRASE: SECRETS[2] } });
    const view = nonSecretConfigView(checkConfig(raw(v)).config!);
    const text = JSON.stringify(view);
    for (const s of SECRETS) assert.ok(!text.includes(s), `${s} leaked`);
    assert.deepEqual(view, {
      broker: { url: 'http://localhost:8080', api_key_set: true, timeout_seconds: 10, concurrency: 16 },
      tag: 'rki',
      sftp: {
        host: '127.0.0.1',
        port: 22,
        username: 'sftpuser',
        password_set: true,
        private_key: '/etc/aktin/id',
        private_key_passphrase_set: true,
        timeout_seconds: 25,
        folder: 'rki',
        host_key_fingerprints: [PIN],
        known_hosts: null,
        file_mode: '0644',
      },
      key_file: '/opt/rki.key',
      working_dir: '/opt',
      apply: { concurrency: 4, max_delete: null },
      watch: { debounce_seconds: 2, resync_seconds: 3600 },
      ca_bundle: null,
    });
  });
});

describe('config rules: hostile values', () => {
  const CONTROL = 'must not contain control characters';
  const refused: { name: string; patch: Record<string, unknown>; want: string; secret?: string }[] = [
    { name: 'CR LF in API_KEY (header injection)', patch: { BROKER: { API_KEY: 'k3y\r\nX-Admin: 1' } }, want: `\`[BROKER] API_KEY\` in settings.toml ${CONTROL}`, secret: 'k3y' },
    { name: 'a lone LF at the end of API_KEY', patch: { BROKER: { API_KEY: 'abcdef-key\n' } }, want: `\`[BROKER] API_KEY\` in settings.toml ${CONTROL}`, secret: 'abcdef-key' },
    { name: 'NUL in PASSWORD', patch: { SFTP: { PASSWORD: 'pw\u0000rest-of-pw' } }, want: `\`[SFTP] PASSWORD\` in settings.toml ${CONTROL}`, secret: 'rest-of-pw' },
    { name: 'a tab in the passphrase', patch: { SFTP: { PRIVATE_KEY: 'id', PRIVATE_KEY_PASSPHRASE: 'pass\tphrase' } }, want: `\`[SFTP] PRIVATE_KEY_PASSPHRASE\` in settings.toml ${CONTROL}`, secret: 'phrase' },
    { name: 'an escape sequence in HOST', patch: { SFTP: { HOST: 'host\u001b[2J' } }, want: `\`[SFTP] HOST\` in settings.toml ${CONTROL}` },
    { name: 'LF in USERNAME', patch: { SFTP: { USERNAME: 'sftp\nuser' } }, want: `\`[SFTP] USERNAME\` in settings.toml ${CONTROL}` },
    { name: 'LF in TAG', patch: { REQUESTS: { TAG: 'rki\n' } }, want: `\`[REQUESTS] TAG\` in settings.toml ${CONTROL}` },
    { name: 'a tab inside URL (URL parsers drop it silently)', patch: { BROKER: { URL: 'http://bro\tker:8080' } }, want: `\`[BROKER] URL\` in settings.toml ${CONTROL}` },
    { name: 'DEL in FOLDERNAME', patch: { SFTP: { FOLDERNAME: 'rki\u007f' } }, want: `\`[SFTP] FOLDERNAME\` in settings.toml ${CONTROL}` },
    { name: 'NUL in FOLDERNAME', patch: { SFTP: { FOLDERNAME: 'rki\u0000/../etc' } }, want: `\`[SFTP] FOLDERNAME\` in settings.toml ${CONTROL}` },
    { name: 'a C1 control (NEL) in WORKING_DIR', patch: { MISC: { WORKING_DIR: '/opt\u0085' } }, want: `\`[MISC] WORKING_DIR\` in settings.toml ${CONTROL}` },
    { name: 'LF in a key file path', patch: { SECURITY: { PATH_ENCRYPTION_KEY: '/opt/rki.key\n/etc/passwd' } }, want: `\`[SECURITY] PATH_ENCRYPTION_KEY\` in settings.toml ${CONTROL}` },
    { name: 'LF in a numeric string', patch: { SFTP: { TIMEOUT: '25\n' } }, want: `\`[SFTP] TIMEOUT\` in settings.toml ${CONTROL}` },
    { name: 'LF in a fingerprint', patch: { SFTP: { HOST_KEY_FINGERPRINTS: [`${PIN}\n`] } }, want: `\`[SFTP] HOST_KEY_FINGERPRINTS\` in settings.toml ${CONTROL}` },
    { name: 'a non-ASCII API_KEY (not sendable in a header)', patch: { BROKER: { API_KEY: 'schlüssel-key' } }, want: '`[BROKER] API_KEY` in settings.toml must consist of printable ASCII characters', secret: 'schlüssel' },
    { name: 'FOLDERNAME climbing out', patch: { SFTP: { FOLDERNAME: '../etc' } }, want: '`[SFTP] FOLDERNAME` in settings.toml must not contain a ".." segment, got "../etc"' },
    { name: 'FOLDERNAME with .. in the middle', patch: { SFTP: { FOLDERNAME: 'drop/../../etc' } }, want: 'must not contain a ".." segment' },
    { name: 'FOLDERNAME that is ..', patch: { SFTP: { FOLDERNAME: '..' } }, want: 'must not contain a ".." segment, got ".."' },
    { name: 'FOLDERNAME ending in /..', patch: { SFTP: { FOLDERNAME: '/srv/drop/..' } }, want: 'must not contain a ".." segment' },
    { name: 'FOLDERNAME with a backslash', patch: { SFTP: { FOLDERNAME: 'drop\\..\\etc' } }, want: '`[SFTP] FOLDERNAME` in settings.toml must not contain a backslash' },
  ];
  for (const c of refused) {
    it(`refuses ${c.name}`, () => {
      const check = checkConfig(raw(values(c.patch)));
      assert.equal(check.config, undefined);
      assert.ok(check.problems.every((p) => p.code === 'CONFIG_INVALID'));
      assert.ok(check.problems.some((p) => p.title.includes(c.want)), `no problem says ${JSON.stringify(c.want)}: ${JSON.stringify(check.problems.map((p) => p.title))}`);
      const text = JSON.stringify(check);
      if (c.secret) assert.ok(!text.includes(c.secret), `secret shown: ${text}`);
      // Never the raw control character in a message: it would reach the terminal.
      assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(check.problems.map((p) => p.title).join('')), 'a control character in a title');
    });
  }

  it('names the environment variable a header-unsafe value came from', () => {
    const list = checkConfig(raw(values({ BROKER: { API_KEY: 'a\r\nb' } }), { 'BROKER.API_KEY': 'AKTIN_SFTP_BROKER_API_KEY' })).problems.map((p) => p.title);
    assert.deepEqual(list, [`\`[BROKER] API_KEY\` (from AKTIN_SFTP_BROKER_API_KEY) ${CONTROL} (line breaks, tabs, NUL, escape sequences)`]);
  });

  const kept: { name: string; patch: Record<string, unknown>; read: (c: NonNullable<ReturnType<typeof checkConfig>['config']>) => unknown; want: unknown }[] = [
    { name: 'a folder named like ..x', patch: { SFTP: { FOLDERNAME: 'drop/..x/rki' } }, read: (c) => c.remote.folder, want: 'drop/..x/rki' },
    { name: 'a . segment', patch: { SFTP: { FOLDERNAME: './rki' } }, read: (c) => c.remote.folder, want: './rki' },
    { name: 'an absolute folder', patch: { SFTP: { FOLDERNAME: '/srv/drop' } }, read: (c) => c.remote.folder, want: '/srv/drop' },
    { name: 'a password with spaces and non-ASCII letters', patch: { SFTP: { PASSWORD: 'pässwört mit leer' } }, read: (c) => c.remote.password!.reveal(), want: 'pässwört mit leer' },
    { name: 'an API key with punctuation', patch: { BROKER: { API_KEY: 'xA9-_.~+/=' } }, read: (c) => c.broker.apiKey.reveal(), want: 'xA9-_.~+/=' },
    { name: 'surrounding blanks of a host name', patch: { SFTP: { HOST: ' sftp.example.org ' } }, read: (c) => c.remote.host, want: 'sftp.example.org' },
  ];
  for (const c of kept) {
    it(`keeps ${c.name}`, () => {
      const check = checkConfig(raw(values(c.patch)));
      assert.deepEqual(check.problems, []);
      assert.deepEqual(c.read(check.config!), c.want);
    });
  }

  it('shows a quoted TOML key with an escape sequence escaped in its problem', () => {
    const { problems } = checkConfig(raw(values({ SFTP: { 'HO\u001b[31mST': 'x' } })));
    assert.deepEqual(problems.map((p) => p.title), ['`[SFTP] HO\\u001b[31mST` in settings.toml is not a known key']);
  });
});

describe('config warnings: a readable file that holds a secret', () => {
  it('names the secrets, whom the file is exposed to and the fix, and is silent for a file the others cannot read or without secrets', async () => {
    const { exposedSecretsWarning } = await import('../../src/core/config-warnings.js');
    const { secretExposureWarning } = await import('../../src/core/secret-exposure.js');
    const service = { name: 'aktin-sftp', uid: 998, gids: [997], groupName: 'aktin-sftp' };
    const group = (gid: number) => (gid === 997 ? 'aktin-sftp' : 'staff');
    const exposure = (mode: number, gid = 0) => (subject: string) => secretExposureWarning(subject, FILE, { mode, gid }, service, group);
    const v = values({ SFTP: { PRIVATE_KEY_PASSPHRASE: SECRETS[2] } });
    assert.equal(
      exposedSecretsWarning(FILE, v, exposure(0o100644)),
      `The config file ${FILE} holds \`[BROKER] API_KEY\`, \`[SFTP] PASSWORD\` and \`[SFTP] PRIVATE_KEY_PASSPHRASE\` and can be read or written by any user (mode 644); ` +
        `run 'chown root:aktin-sftp ${FILE} && chmod 640 ${FILE}' (readable by aktin-sftp's group, as docs/recipes/README.md lays it out), or 'chmod 600 ${FILE}' if aktin-sftp owns it; ` +
        'or keep the secret in a file of its own named by AKTIN_SFTP_BROKER_API_KEY_FILE.',
    );
    assert.match(exposedSecretsWarning(FILE, { BROKER: { URL: 'u' }, SFTP: { PASSWORD: 'p' } }, exposure(0o100640, 50))!, /holds `\[SFTP\] PASSWORD` and can be read or written by group staff, which aktin-sftp \(running aktin-sftp\) is not in \(mode 640\)/);
    assert.equal(exposedSecretsWarning(FILE, v, exposure(0o100640, 997)), undefined);
    assert.equal(exposedSecretsWarning(FILE, v, exposure(0o100600)), undefined);
    assert.equal(exposedSecretsWarning(FILE, v, exposure(0o100400)), undefined);
    assert.equal(exposedSecretsWarning(FILE, { BROKER: { URL: 'u', API_KEY: '' }, SFTP: { HOST: 'h' } }, exposure(0o100644)), undefined);
    for (const s of SECRETS) assert.ok(!exposedSecretsWarning(FILE, v, exposure(0o100644))!.includes(s));
  });
});

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { loadConfig } from '../../../src/adapters/config/file.js';
import { checkConfig } from '../../../src/core/config-rules.js';
import type { ProblemError } from '../../../src/core/problem.js';
import { failure } from '../../support/problems.js';
import { tempDir } from '../../support/temp-dir.js';

const FIXTURES = new URL('../../fixtures/config/', import.meta.url);
const PIN = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');

/** A folder with the config text, a key file and a working dir, so paths exist. */
function deployment(toml: string): { dir: string; file: string } {
  const dir = tempDir('config-file');
  mkdirSync(join(dir, 'work'));
  for (const f of ['encryption.key', 'ca-bundle.pem', 'known_hosts', 'id_ed25519']) writeFileSync(join(dir, f), 'x');
  const file = join(dir, 'settings.toml');
  // As an operator keeps a file with a password in it; readable ones get a warning (tested below).
  writeFileSync(file, toml, { mode: 0o600 });
  return { dir, file };
}


const allText = (e: ProblemError) => JSON.stringify(e.problems) + e.message;

describe('loadConfig', () => {
  it("accepts the original tool's settings.toml as it is, plus a pin", async () => {
    const { file } = deployment(fixture('original-settings.toml').replace('FOLDERNAME = "rki"', `FOLDERNAME = "rki"\nHOST_KEY_FINGERPRINTS = ["${PIN}"]`));
    const { config, warnings } = await loadConfig(file, {}, { checkPaths: false });
    assert.deepEqual(warnings, []);
    assert.equal(config.broker.url, 'http://localhost:8080');
    assert.equal(config.remote.timeoutSeconds, 25);
    assert.equal(config.remote.port, 22);
    assert.equal(config.remote.folder, 'rki');
    assert.deepEqual(config.encryption, { kind: 'fernet', keyFile: '/opt/rki.key' });
    assert.equal(config.workingDir, '/opt');
    assert.equal(config.remote.password!.reveal(), 'sftppassword');
  });

  it('asks for a pin when the original file has none, unless allowed', async () => {
    const { file } = deployment(fixture('original-settings.toml'));
    const e = await failure(loadConfig(file, {}, { checkPaths: false }));
    assert.equal(e.code, 'CONFIG_INVALID');
    assert.match(e.problems[0]!.title, /HOST_KEY_FINGERPRINTS/);
    const { config } = await loadConfig(file, {}, { checkPaths: false, allowMissingHostKey: true });
    assert.deepEqual(config.remote.hostKeyFingerprints, []);
  });

  it('reads the template with [SMTP], a CA bundle and relative paths, warning about SMTP', async () => {
    const { dir, file } = deployment(fixture('original-with-smtp.toml'));
    const { config, warnings } = await loadConfig(file, {});
    assert.deepEqual(warnings, ["`SMTP` in settings.toml is ignored: the original tool's e-mail notifier settings are no longer used."]);
    assert.equal(config.broker.url, 'https://broker.example.org');
    assert.equal(config.remote.folder, 'rki');
    assert.deepEqual(config.encryption, { kind: 'fernet', keyFile: join(dir, 'encryption.key') });
    assert.equal(config.workingDir, join(dir, 'work'));
    assert.equal(config.caBundle, join(dir, 'ca-bundle.pem'));
  });

  it('reads every optional key', async () => {
    const { dir, file } = deployment(fixture('full-settings.toml'));
    const { config, warnings } = await loadConfig(file, {});
    assert.deepEqual(warnings, []);
    assert.equal(config.broker.timeoutSeconds, 30);
    assert.equal(config.remote.port, 2222);
    assert.equal(config.remote.privateKey, join(dir, 'id_ed25519'));
    assert.equal(config.remote.knownHosts, join(dir, 'known_hosts'));
    assert.equal(config.remote.privateKeyPassphrase!.reveal(), 'full-passphrase');
    assert.deepEqual(config.apply, { concurrency: 2, maxDelete: 5 });
  });

  it('fails with CONFIG_NOT_FOUND for a missing file', async () => {
    const e = await failure(loadConfig('/nonexistent/settings.toml', {}));
    assert.equal(e.code, 'CONFIG_NOT_FOUND');
    assert.match(e.problems[0]!.detail!, /\/nonexistent\/settings\.toml/);
  });

  it('names line and column of a TOML syntax error without quoting the line', async () => {
    const { file } = deployment('[SFTP]\nHOST = "h"\nPASSWORD = "hunter2-secret\n');
    const e = await failure(loadConfig(file, {}));
    assert.equal(e.code, 'CONFIG_INVALID');
    assert.match(e.problems[0]!.title, /^settings\.toml is not valid TOML: line 3, column \d+: /);
    assert.ok(!allText(e).includes('hunter2'));
    assert.equal(e.cause, undefined);
  });

  it('reports rule problems and missing paths together', async () => {
    const toml = fixture('original-with-smtp.toml').replace('TIMEOUT = 25', 'TIMEOUT = "25.5"').replace('"work"', '"no-such-dir"');
    const { dir, file } = deployment(toml.replace('"encryption.key"', '"settings.toml/x"'));
    const e = await failure(loadConfig(file, {}));
    const titles = e.problems.map((p) => p.title);
    assert.deepEqual(titles.sort(), [
      '`[MISC] WORKING_DIR` in settings.toml must be an existing directory, got ' + JSON.stringify(join(dir, 'no-such-dir')) + ' (not found)',
      '`[SECURITY] PATH_ENCRYPTION_KEY` in settings.toml must be an existing file, got ' + JSON.stringify(join(dir, 'settings.toml/x')) + ' (ENOTDIR)',
      '`[SFTP] TIMEOUT` in settings.toml must be a whole number of seconds, got "25.5"',
    ]);
  });

  it('wants WORKING_DIR to be a directory and the key a file', async () => {
    const { file } = deployment(fixture('original-with-smtp.toml').replace('"work"', '"encryption.key"').replace('"encryption.key"\n\n[SMTP]', '"work"\n\n[SMTP]'));
    const titles = (await failure(loadConfig(file, {}))).problems.map((p) => p.title).join('\n');
    assert.match(titles, /WORKING_DIR.*\(it is not a directory\)/);
    assert.match(titles, /PATH_ENCRYPTION_KEY.*\(it is not a regular file\)/);
  });
});

describe('loadConfig: environment overrides', () => {
  const base = () => deployment(fixture('original-with-smtp.toml'));

  it('overrides file values, numbers and lists included', async () => {
    const { file } = base();
    const other = 'SHA256:' + 'B'.repeat(43);
    const { config } = await loadConfig(file, {
      AKTIN_SFTP_SFTP_PASSWORD: 'from-env',
      AKTIN_SFTP_BROKER_API_KEY: 'key-from-env',
      AKTIN_SFTP_SFTP_PORT: '2222',
      AKTIN_SFTP_SFTP_HOST_KEY_FINGERPRINTS: `${PIN}, ${other}`,
      AKTIN_SFTP_APPLY_MAX_DELETE: '0',
      AKTIN_SFTP_SFTP_USERNAME: '',
    });
    assert.equal(config.remote.password!.reveal(), 'from-env');
    assert.equal(config.broker.apiKey.reveal(), 'key-from-env');
    assert.equal(config.remote.port, 2222);
    assert.deepEqual(config.remote.hostKeyFingerprints, [PIN, other]);
    assert.equal(config.apply.maxDelete, 0);
    assert.equal(config.remote.username, 'CHANGEME', 'an empty variable counts as unset');
  });

  it('takes recipient lists comma-separated, like the fingerprints', async () => {
    const { dir, file } = deployment(fixture('original-with-smtp.toml').replace('PATH_ENCRYPTION_KEY = "encryption.key"', 'ENCRYPTION = "crypt4gh"'));
    writeFileSync(join(dir, 'a.pub'), 'public');
    writeFileSync(join(dir, 'b.pub'), 'public');
    const { config } = await loadConfig(file, { AKTIN_SFTP_SECURITY_RECIPIENT_KEYS: `${join(dir, 'a.pub')}, ${join(dir, 'b.pub')}` });
    assert.deepEqual(config.encryption, { kind: 'crypt4gh', recipientKeys: [join(dir, 'a.pub'), join(dir, 'b.pub')] });
    const age = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
    const env = { AKTIN_SFTP_SECURITY_ENCRYPTION: 'age', AKTIN_SFTP_SECURITY_RECIPIENTS: `${age},${age}` };
    assert.deepEqual((await loadConfig(file, env)).config.encryption, { kind: 'age', recipients: [age, age] });
  });

  it('reads _FILE secrets with the trailing newline trimmed', async () => {
    const { dir, file } = base();
    writeFileSync(join(dir, 'pw'), 'pa ss\n');
    const { config } = await loadConfig(file, { AKTIN_SFTP_SFTP_PASSWORD_FILE: join(dir, 'pw') });
    assert.equal(config.remote.password!.reveal(), 'pa ss');
  });

  it('refuses a _FILE secret past 4 KiB at once, /dev/zero too, naming the variable, the file and the limit', async () => {
    const { dir, file } = base();
    writeFileSync(join(dir, 'big'), 'x'.repeat(5000));
    const cases: [string, string][] = [
      ['/dev/zero', '(more than that)'],
      [join(dir, 'big'), '(5000 bytes)'],
    ];
    for (const [path, found] of cases) {
      const e = await failure(loadConfig(file, { AKTIN_SFTP_SFTP_PASSWORD_FILE: path }));
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.equal(e.problems[0]!.title, `\`[SFTP] PASSWORD\` (from AKTIN_SFTP_SFTP_PASSWORD_FILE) must name a file of at most 4 KiB, got ${JSON.stringify(path)} ${found}`);
      assert.ok(!allText(e).includes('xxxx'), 'the content is never quoted');
    }
  });

  it('supplies keys the file lacks', async () => {
    const { file } = deployment(fixture('original-with-smtp.toml').replace('PASSWORD = "CHANGEME"\nTIMEOUT', 'TIMEOUT'));
    const { config } = await loadConfig(file, { AKTIN_SFTP_SFTP_PASSWORD: 'only-in-env' });
    assert.equal(config.remote.password!.reveal(), 'only-in-env');
  });

  it('reports a missing _FILE, a doubly set key and a bad value, naming the variable, never the value', async () => {
    const { file } = base();
    const e = await failure(
      loadConfig(file, {
        AKTIN_SFTP_SFTP_PASSWORD_FILE: '/nonexistent/pw',
        AKTIN_SFTP_BROKER_API_KEY: 'twice-secret',
        AKTIN_SFTP_BROKER_API_KEY_FILE: '/nonexistent/key',
        AKTIN_SFTP_SFTP_TIMEOUT: '25.5',
      }),
    );
    const titles = e.problems.map((p) => p.title);
    assert.ok(titles.includes('`[SFTP] PASSWORD` (from AKTIN_SFTP_SFTP_PASSWORD_FILE) must name a readable file, got "/nonexistent/pw" (not found)'), titles.join('\n'));
    assert.ok(titles.includes('`[BROKER] API_KEY` is set twice in the environment: AKTIN_SFTP_BROKER_API_KEY and AKTIN_SFTP_BROKER_API_KEY_FILE'));
    assert.ok(titles.includes('`[SFTP] TIMEOUT` (from AKTIN_SFTP_SFTP_TIMEOUT) must be a whole number of seconds, got "25.5"'));
    assert.ok(!allText(e).includes('twice-secret'));
  });
});

describe('loadConfig: environment variables that set nothing', () => {
  const base = () => deployment(fixture('original-with-smtp.toml'));

  it('refuses a misspelt override with a "did you mean", naming the variable, never its value', async () => {
    const { file } = base();
    const e = await failure(loadConfig(file, { AKTIN_SFTP_SFTP_PASSWROD: 'typo-secret', AKTIN_SFTP_APPLY_MAX_DELTE_FILE: '/run/x' }));
    assert.equal(e.code, 'CONFIG_INVALID');
    const titles = e.problems.map((p) => p.title);
    assert.deepEqual(titles, [
      'The environment variable AKTIN_SFTP_SFTP_PASSWROD is not a setting of aktin-sftp (did you mean AKTIN_SFTP_SFTP_PASSWORD?)',
      'The environment variable AKTIN_SFTP_APPLY_MAX_DELTE_FILE is not a setting of aktin-sftp (did you mean AKTIN_SFTP_APPLY_MAX_DELETE_FILE?)',
    ]);
    assert.ok(!allText(e).includes('typo-secret'));
  });

  const refused: [string, string | undefined][] = [
    ['AKTIN_SFTP_FOLDERNAME', 'AKTIN_SFTP_SFTP_FOLDERNAME'],
    ['aktin_sftp_sftp_password', 'AKTIN_SFTP_SFTP_PASSWORD'],
    ['AKTIN_SFTP_CONFG', 'AKTIN_SFTP_CONFIG'],
    ['AKTIN_SFTP_SOMETHING_ELSE', undefined],
  ];
  for (const [name, near] of refused) {
    it(`refuses ${name}${near ? `, suggesting ${near}` : ''}`, async () => {
      const { file } = base();
      const e = await failure(loadConfig(file, { [name]: 'v' }));
      assert.equal(e.problems.length, 1);
      assert.equal(e.problems[0]!.title, `The environment variable ${name} is not a setting of aktin-sftp${near ? ` (did you mean ${near}?)` : ''}`);
    });
  }

  it('leaves our own non-key variables, every key and its _FILE form, empty variables and other prefixes alone', async () => {
    const { dir, file } = base();
    writeFileSync(join(dir, 'pw'), 'pw\n');
    const { config } = await loadConfig(file, {
      AKTIN_SFTP_CONFIG: file,
      AKTIN_SFTP_SFTP_PASSWORD_FILE: join(dir, 'pw'),
      AKTIN_SFTP_REQUESTS_CA_BUNDLE: join(dir, 'ca-bundle.pem'),
      AKTIN_SFTP_SFTP_PASSWROD: '',
      AKTIN_SFTPX: 'x',
      AKTIN_OTHER: 'x',
    });
    assert.equal(config.remote.password!.reveal(), 'pw');
  });
});

describe('loadConfig: a config file others may read', () => {
  it('warns when it holds a secret, as for the key file; not at 0600, not without secrets', async () => {
    const { dir, file } = deployment(fixture('original-with-smtp.toml'));
    chmodSync(file, 0o644);
    const { warnings } = await loadConfig(file, {});
    assert.equal(
      warnings[0],
      `The config file ${file} holds \`[BROKER] API_KEY\` and \`[SFTP] PASSWORD\` and can be read or written by any user (mode 644); run 'chmod 600 ${file}' ` +
        `(or, for a service user, 'chown root:GROUP ${file} && chmod 640 ${file}' with the service's group, as docs/recipes/README.md lays it out); ` +
        'or keep the secret in a file of its own named by AKTIN_SFTP_BROKER_API_KEY_FILE.',
    );
    chmodSync(file, 0o600);
    assert.ok(!(await loadConfig(file, {})).warnings.some((w) => w.includes('can be read or written')));
    const bare = join(dir, 'bare.toml');
    writeFileSync(bare, fixture('original-with-smtp.toml').replace(/^(API_KEY|PASSWORD) = .*\n/gm, ''), { mode: 0o644 });
    chmodSync(bare, 0o644);
    const { warnings: none } = await loadConfig(bare, { AKTIN_SFTP_BROKER_API_KEY: 'k', AKTIN_SFTP_SFTP_PASSWORD: 'p' });
    assert.ok(!none.some((w) => w.includes('can be read or written')), none.join('\n'));
  });
});

describe('config schema', () => {
  const schema = JSON.parse(readFileSync(new URL('../../../schemas/config.schema.json', import.meta.url), 'utf8')) as object;
  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  const base = (): Record<string, Record<string, unknown>> => ({
    BROKER: { URL: 'http://localhost:8080', API_KEY: 'k' },
    REQUESTS: { TAG: 'rki' },
    SFTP: { HOST: 'h', USERNAME: 'u', PASSWORD: 'p', TIMEOUT: '25', FOLDERNAME: 'rki', HOST_KEY_FINGERPRINTS: [PIN] },
    SECURITY: { PATH_ENCRYPTION_KEY: '/k' },
    MISC: { WORKING_DIR: '/w' },
  });
  const cases: [string, string, unknown][] = [
    ['SFTP', 'TIMEOUT', '25'], ['SFTP', 'TIMEOUT', 25], ['SFTP', 'TIMEOUT', ' +25 '], ['SFTP', 'TIMEOUT', '25.5'], ['SFTP', 'TIMEOUT', 25.5],
    ['SFTP', 'TIMEOUT', 0], ['SFTP', 'TIMEOUT', '0'], ['SFTP', 'TIMEOUT', true], ['SFTP', 'TIMEOUT', ''],
    ['SFTP', 'PORT', 22], ['SFTP', 'PORT', '65535'], ['SFTP', 'PORT', '65536'], ['SFTP', 'PORT', 0], ['SFTP', 'PORT', 'ssh'],
    ['BROKER', 'URL', 'https://b.example.org/'], ['BROKER', 'URL', 'HTTP://b:8080/aktin'], ['BROKER', 'URL', 'ftp://b'], ['BROKER', 'URL', 'b:8080'],
    ['BROKER', 'URL', 'https://u:p@b'], ['BROKER', 'URL', 'https://b/?x=1'], ['BROKER', 'URL', 5], ['BROKER', 'URL', 'http://b/a b'], ['BROKER', 'URL', 'http://[::1]:8080'],
    ['BROKER', 'TIMEOUT', 10], ['BROKER', 'TIMEOUT', '10.0'],
    ['REQUESTS', 'TAG', ''], ['REQUESTS', 'TAG', ' '], ['REQUESTS', 'TAG', 7], ['REQUESTS', 'TAG', ['rki']],
    ['SFTP', 'HOST_KEY_FINGERPRINTS', PIN], ['SFTP', 'HOST_KEY_FINGERPRINTS', ['MD5:aa']], ['SFTP', 'HOST_KEY_FINGERPRINTS', 'SHA256:x'],
    ['SFTP', 'PASSWORD', ''], ['SFTP', 'PASSWORD', 1234], ['SFTP', 'FOLDERNAME', ''], ['SFTP', 'FOLDERNAME', '/'],
    ['BROKER', 'API_KEY', 'k\r\nX: 1'], ['BROKER', 'API_KEY', 'k\n'], ['BROKER', 'API_KEY', 'schlüssel'], ['BROKER', 'API_KEY', 'a b'], ['SFTP', 'PASSWORD', 'p\u0000'],
    ['SFTP', 'PASSWORD', 'pässwört'], ['SFTP', 'HOST', 'h\u001b[2J'], ['SFTP', 'HOST', ' h '], ['SFTP', 'TIMEOUT', '25\n'], ['SFTP', 'TIMEOUT', '\u00a025'],
    ['BROKER', 'URL', '\nhttp://b'], ['BROKER', 'URL', 'http://b\u0085'], ['SFTP', 'HOST_KEY_FINGERPRINTS', [`${PIN}\t`]],
    ['SFTP', 'FOLDERNAME', '../etc'], ['SFTP', 'FOLDERNAME', 'a/../b'], ['SFTP', 'FOLDERNAME', ' .. '], ['SFTP', 'FOLDERNAME', 'a/..'], ['SFTP', 'FOLDERNAME', 'a/../'],
    ['SFTP', 'FOLDERNAME', 'a\\b'], ['SFTP', 'FOLDERNAME', '..x/y..'], ['SFTP', 'FOLDERNAME', './rki'], ['SFTP', 'FOLDERNAME', 'rki\u007f'],
    ['APPLY', 'CONCURRENCY', 64], ['APPLY', 'CONCURRENCY', 65], ['APPLY', 'CONCURRENCY', '08'], ['APPLY', 'MAX_DELETE', 0], ['APPLY', 'MAX_DELETE', -1], ['APPLY', 'MAX_DELETE', '3'],
    ['SFTP', 'FILE_MODE', '0640'], ['SFTP', 'FILE_MODE', '644'], ['SFTP', 'FILE_MODE', ' 0600 '], ['SFTP', 'FILE_MODE', 640], ['SFTP', 'FILE_MODE', '0648'],
    ['SFTP', 'FILE_MODE', '4644'], ['SFTP', 'FILE_MODE', '1644'], ['SFTP', 'FILE_MODE', '0244'], ['SFTP', 'FILE_MODE', '000'], ['SFTP', 'FILE_MODE', '0640\n'], ['SFTP', 'FILE_MODE', '00644'],
    ['WATCH', 'DEBOUNCE', 2], ['WATCH', 'DEBOUNCE', '5'], ['WATCH', 'DEBOUNCE', 0], ['WATCH', 'DEBOUNCE', 0.5], ['WATCH', 'RESYNC', 3600], ['WATCH', 'RESYNC', '-1'], ['WATCH', 'RESYNC', 'hourly'],
  ];
  for (const [scope, key, value] of cases) {
    it(`agrees with the rules on [${scope}] ${key} = ${JSON.stringify(value)}`, () => {
      const values = base();
      values[scope] = { ...values[scope], [key]: value };
      const rules = checkConfig({ file: '/c/settings.toml', values }).problems.length === 0;
      assert.equal(validate(values), rules, JSON.stringify(validate.errors));
    });
  }

  const age = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
  const securities: Record<string, unknown>[] = [
    { ENCRYPTION: 'fernet', PATH_ENCRYPTION_KEY: '/k' }, { ENCRYPTION: ' fernet ', PATH_ENCRYPTION_KEY: '/k' }, { ENCRYPTION: 'Fernet', PATH_ENCRYPTION_KEY: '/k' }, {},
    { ENCRYPTION: 'rsa', PATH_ENCRYPTION_KEY: '/k' }, { ENCRYPTION: 5, PATH_ENCRYPTION_KEY: '/k' }, { PATH_ENCRYPTION_KEY: '/k', RECIPIENTS: [age] },
    { ENCRYPTION: 'age', RECIPIENTS: [age] }, { ENCRYPTION: 'age', RECIPIENTS: age }, { ENCRYPTION: 'age', RECIPIENTS_FILE: '/r' }, { ENCRYPTION: 'age', RECIPIENTS: [age], RECIPIENTS_FILE: '/r' },
    { ENCRYPTION: 'age' }, { ENCRYPTION: 'age', RECIPIENTS: [] }, { ENCRYPTION: 'age', RECIPIENTS: [''] }, { ENCRYPTION: 'age', RECIPIENTS: [age], PATH_ENCRYPTION_KEY: '/k' },
    { ENCRYPTION: 'age', RECIPIENTS: [age], RECIPIENT_KEYS: ['/a.pub'] }, { ENCRYPTION: 'crypt4gh', RECIPIENT_KEYS: ['/a.pub', '/b.pub'] }, { ENCRYPTION: 'crypt4gh', RECIPIENT_KEYS: '/a.pub' },
    { ENCRYPTION: 'crypt4gh' }, { ENCRYPTION: 'crypt4gh', RECIPIENT_KEYS: [3] }, { ENCRYPTION: 'crypt4gh', RECIPIENT_KEYS: ['/a.pub'], RECIPIENTS_FILE: '/r' },
  ];
  for (const security of securities) {
    it(`agrees with the rules on [SECURITY] ${JSON.stringify(security)}`, () => {
      const values = { ...base(), SECURITY: security };
      const rules = checkConfig({ file: '/c/settings.toml', values }).problems.length === 0;
      assert.equal(validate(values), rules, JSON.stringify(validate.errors));
    });
  }

  it('flags unknown keys (editors show typos; at run time they are warnings)', () => {
    const values = base();
    values.SFTP = { ...values.SFTP, HOSTNAME: 'x' };
    assert.equal(validate(values), false);
    assert.equal(validate.errors![0]!.keyword, 'additionalProperties');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkConfig, nonSecretConfigView } from '../../src/core/config-rules.js';

const FILE = '/etc/aktin/settings.toml';
const PIN = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';
const AGE = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

function values(security: Record<string, unknown>): Record<string, unknown> {
  return {
    BROKER: { URL: 'http://localhost:8080', API_KEY: 'k' },
    REQUESTS: { TAG: 'rki' },
    SFTP: { HOST: '127.0.0.1', USERNAME: 'u', PASSWORD: 'p', TIMEOUT: '25', FOLDERNAME: 'rki', HOST_KEY_FINGERPRINTS: [PIN] },
    SECURITY: security,
    MISC: { WORKING_DIR: '/opt' },
  };
}

const check = (security: Record<string, unknown>, origins?: Record<string, string>) => checkConfig({ file: FILE, values: values(security), ...(origins ? { origins } : {}) });
const titles = (security: Record<string, unknown>) => check(security).problems.map((p) => p.title);

describe('config rules: [SECURITY] schemes', () => {
  it('keeps Fernet the default, with the same config and view as before', () => {
    const { config } = check({ PATH_ENCRYPTION_KEY: 'rki.key' });
    assert.deepEqual(config!.encryption, { kind: 'fernet', keyFile: '/etc/aktin/rki.key' });
    const view = nonSecretConfigView(config!) as Record<string, unknown>;
    assert.equal(view.key_file, '/etc/aktin/rki.key');
    assert.equal('encryption' in view, false);
  });

  it('reads age with inline recipients and a recipients file, relative paths resolved', () => {
    const { config, paths } = check({ ENCRYPTION: 'age', RECIPIENTS: [` ${AGE} `], RECIPIENTS_FILE: 'recipients.txt' });
    assert.deepEqual(config!.encryption, { kind: 'age', recipients: [AGE], recipientsFile: '/etc/aktin/recipients.txt' });
    assert.ok(paths.some((p) => p.key.key === 'RECIPIENTS_FILE' && p.path === '/etc/aktin/recipients.txt'));
    assert.deepEqual((nonSecretConfigView(config!) as Record<string, unknown>).encryption, { scheme: 'age', recipients: [AGE], recipients_file: '/etc/aktin/recipients.txt' });
    assert.equal((nonSecretConfigView(config!) as Record<string, unknown>).key_file, null);
  });

  it('reads age with a recipients file alone, and a single recipient string as a list of one', () => {
    assert.deepEqual(check({ ENCRYPTION: 'age', RECIPIENTS_FILE: '/r.txt' }).config!.encryption, { kind: 'age', recipients: [], recipientsFile: '/r.txt' });
    assert.deepEqual(check({ ENCRYPTION: 'age', RECIPIENTS: AGE }).config!.encryption, { kind: 'age', recipients: [AGE] });
  });

  it('reads crypt4gh with recipient key files, each a path to check', () => {
    const { config, paths } = check({ ENCRYPTION: 'crypt4gh', RECIPIENT_KEYS: ['a.pub', '/keys/b.pub'] });
    assert.deepEqual(config!.encryption, { kind: 'crypt4gh', recipientKeys: ['/etc/aktin/a.pub', '/keys/b.pub'] });
    assert.deepEqual(paths.filter((p) => p.key.key === 'RECIPIENT_KEYS').map((p) => p.path), ['/etc/aktin/a.pub', '/keys/b.pub']);
  });

  it('refuses an unknown scheme', () => {
    assert.deepEqual(titles({ ENCRYPTION: 'rsa', PATH_ENCRYPTION_KEY: '/k' }), ['`[SECURITY] ENCRYPTION` in settings.toml must be one of "fernet", "age", "crypt4gh", got "rsa"']);
  });

  it('refuses keys of two schemes, naming the key', () => {
    assert.deepEqual(titles({ ENCRYPTION: 'age', RECIPIENTS: [AGE], PATH_ENCRYPTION_KEY: '/k' }), ['`[SECURITY] PATH_ENCRYPTION_KEY` in settings.toml is a key of ENCRYPTION = "fernet", but ENCRYPTION is "age"']);
    assert.deepEqual(titles({ ENCRYPTION: 'crypt4gh', RECIPIENT_KEYS: ['/a.pub'], RECIPIENTS: [AGE] }), ['`[SECURITY] RECIPIENTS` in settings.toml is a key of ENCRYPTION = "age", but ENCRYPTION is "crypt4gh"']);
    assert.deepEqual(titles({ PATH_ENCRYPTION_KEY: '/k', RECIPIENT_KEYS: ['/a.pub'] }), [
      '`[SECURITY] RECIPIENT_KEYS` in settings.toml is a key of ENCRYPTION = "crypt4gh", but ENCRYPTION is not set, so it is "fernet" (the default)',
    ]);
  });

  it('names the environment variable a mixed key came from', () => {
    const problems = checkConfig({ file: FILE, values: values({ ENCRYPTION: 'age', RECIPIENTS: [AGE], RECIPIENT_KEYS: ['/a.pub'] }), origins: { 'SECURITY.RECIPIENT_KEYS': 'AKTIN_SFTP_SECURITY_RECIPIENT_KEYS' } }).problems;
    assert.equal(problems[0]!.title, '`[SECURITY] RECIPIENT_KEYS` (from AKTIN_SFTP_SECURITY_RECIPIENT_KEYS) is a key of ENCRYPTION = "crypt4gh", but ENCRYPTION is "age"');
  });

  it("asks for the scheme's keys when none is given", () => {
    assert.deepEqual(titles({}), ['`[SECURITY] PATH_ENCRYPTION_KEY` is missing in settings.toml']);
    assert.deepEqual(titles({ ENCRYPTION: 'age' }), ['`[SECURITY] RECIPIENTS` or `[SECURITY] RECIPIENTS_FILE` must be set in settings.toml when ENCRYPTION = "age"']);
    assert.deepEqual(titles({ ENCRYPTION: 'crypt4gh' }), ['`[SECURITY] RECIPIENT_KEYS` must be set in settings.toml when ENCRYPTION = "crypt4gh"']);
  });

  it('refuses empty lists and empty items without a second "missing" problem', () => {
    assert.deepEqual(titles({ ENCRYPTION: 'age', RECIPIENTS: [] }), ['`[SECURITY] RECIPIENTS` in settings.toml must be a list of public keys, like ["age1…"], got a list']);
    assert.deepEqual(titles({ ENCRYPTION: 'crypt4gh', RECIPIENT_KEYS: ['/a.pub', ' '] }), ['`[SECURITY] RECIPIENT_KEYS` in settings.toml must be a list of file paths, like ["/etc/aktin-sftp/rki.c4gh.pub"], got " "']);
  });

  it('never repeats an age identity given as a recipient in a rule problem', () => {
    const identity = 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX';
    const { problems } = check({ ENCRYPTION: 'age', RECIPIENTS: [identity], PATH_ENCRYPTION_KEY: '/k' });
    assert.ok(problems.length > 0);
    assert.ok(!JSON.stringify(problems).includes(identity.slice(15)));
  });
});

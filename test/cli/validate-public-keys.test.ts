/**
 * `aktin-sftp validate` with age and Crypt4GH recipients: it says the configuration holds no
 * secret key, lists the recipients by their public form, and refuses a secret where a recipient
 * belongs with CONFIG_INVALID (exit 64) naming the key, never the secret.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatAgeIdentityFile, formatAgeRecipient, generateAgeIdentity } from '../../src/adapters/encryption/age/index.js';
import { formatCrypt4ghPublicKey, generateCrypt4ghSecretKey } from '../../src/adapters/encryption/crypt4gh/index.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { check } from '../support/json-schemas.js';
import { tempDir } from '../support/temp-dir.js';

const PIN = 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU';

function deployment(security: string): { dir: string; config: string } {
  const dir = tempDir('validate-pubkey');
  const config = join(dir, 'settings.toml');
  writeFileSync(
    config,
    `[BROKER]\nURL = "http://127.0.0.1:9/"\nAPI_KEY = "k"\n[REQUESTS]\nTAG = "rki"\n` +
      `[SFTP]\nHOST = "127.0.0.1"\nUSERNAME = "sftpuser"\nPASSWORD = "p"\nTIMEOUT = "25"\nFOLDERNAME = "rki"\nHOST_KEY_FINGERPRINTS = ["${PIN}"]\n` +
      `[SECURITY]\n${security}\n[MISC]\nWORKING_DIR = "."\n`,
  );
  return { dir, config };
}

function io(cwd: string): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, isTTY: false, env: {}, cwd, out: () => out, err: () => err };
}

describe('aktin-sftp validate with public-key recipients', () => {
  const a = generateAgeIdentity();
  const b = generateAgeIdentity();

  it('age: no secret key here, the recipients listed, the set named by its key id', async () => {
    const { dir, config } = deployment(`ENCRYPTION = "age"\nRECIPIENTS = ["${formatAgeRecipient(a.publicKey)}"]\nRECIPIENTS_FILE = "recipients.txt"`);
    writeFileSync(join(dir, 'recipients.txt'), `${formatAgeRecipient(b.publicKey)}\n`);
    const t = io(dir);
    assert.equal(await runCli(['validate', '-c', config], t), 0, t.err());
    assert.match(t.out(), /Encryption: age to 2 recipients, key id [0-9a-f]{16}\. This configuration holds no secret key:/);
    for (const key of [a, b]) assert.ok(t.out().includes(`  ${formatAgeRecipient(key.publicKey)}\n`));
    assert.doesNotMatch(t.out(), /Key file:/);

    const j = io(dir);
    assert.equal(await runCli(['validate', '--json', '-c', config], j), 0, j.err());
    const report = JSON.parse(j.out()) as Record<string, any>;
    assert.deepEqual(check('validate.schema.json', report), []);
    assert.equal(report.key_file.path, null);
    assert.equal(report.key_file.scheme, 'age');
    assert.equal(report.key_file.holds_secret_key, false);
    assert.equal(report.key_file.recipients.length, 2);
    assert.deepEqual(report.config.encryption, { scheme: 'age', recipients: [formatAgeRecipient(a.publicKey)], recipients_file: join(dir, 'recipients.txt') });
    assert.equal(report.config.key_file, null);
  });

  it('crypt4gh: the public key files read, the base64 line shown', async () => {
    const key = generateCrypt4ghSecretKey();
    const { dir, config } = deployment('ENCRYPTION = "crypt4gh"\nRECIPIENT_KEYS = ["rki.c4gh.pub"]');
    writeFileSync(join(dir, 'rki.c4gh.pub'), formatCrypt4ghPublicKey(key.publicKey));
    const t = io(dir);
    assert.equal(await runCli(['validate', '--json', '-c', config], t), 0, t.err());
    const report = JSON.parse(t.out()) as Record<string, any>;
    assert.deepEqual(check('validate.schema.json', report), []);
    assert.deepEqual(report.key_file.recipients, [key.publicKey.toString('base64')]);
    assert.equal(report.key_file.scheme, 'crypt4gh');
  });

  it('an age identity given as a recipient: exit 64 naming the key, the secret never printed', async () => {
    const identity = formatAgeIdentityFile(a, new Date(0)).split('\n')[2]!;
    const { dir, config } = deployment(`ENCRYPTION = "age"\nRECIPIENTS = ["${identity}"]`);
    const t = io(dir);
    assert.equal(await runCli(['validate', '-c', config], t), 64);
    assert.match(t.err(), /CONFIG_INVALID/);
    assert.match(t.err(), /`\[SECURITY\] RECIPIENTS` item 1 in settings\.toml is not usable: it is an age identity \(a secret key\), not a recipient/);
    assert.ok(!(t.out() + t.err()).includes(identity.slice(15)));
  });

  it('a missing recipient key file: exit 64 naming the key', async () => {
    const { dir, config } = deployment('ENCRYPTION = "crypt4gh"\nRECIPIENT_KEYS = ["gone.pub"]');
    const t = io(dir);
    assert.equal(await runCli(['validate', '-c', config], t), 64);
    assert.match(t.err(), /`\[SECURITY\] RECIPIENT_KEYS` in settings\.toml must be an existing file, got "[^"]*gone\.pub" \(not found\)/);
  });

  it('keys of two schemes: exit 64 naming the key', async () => {
    const { dir, config } = deployment(`ENCRYPTION = "age"\nRECIPIENTS = ["${formatAgeRecipient(a.publicKey)}"]\nPATH_ENCRYPTION_KEY = "rki.key"`);
    writeFileSync(join(dir, 'rki.key'), 'x');
    const t = io(dir);
    assert.equal(await runCli(['validate', '-c', config], t), 64);
    assert.match(t.err(), /`\[SECURITY\] PATH_ENCRYPTION_KEY` in settings\.toml is a key of ENCRYPTION = "fernet", but ENCRYPTION is "age"/);
  });
});

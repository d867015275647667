import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ageEncryptor, crypt4ghEncryptor, readAgeRecipients, readCrypt4ghRecipients } from '../../../src/adapters/encryption/index.js';
import { createAgeOpenStream, formatAgeIdentityFile, formatAgeRecipient, generateAgeIdentity } from '../../../src/adapters/encryption/age/index.js';
import { createCrypt4ghOpenStream, formatCrypt4ghPublicKey, generateCrypt4ghSecretKey } from '../../../src/adapters/encryption/crypt4gh/index.js';
import { isProblemError, type Problem } from '../../../src/core/problem.js';
import { readVectorText, through } from '../../support/crypt4gh-vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'pubkey-encryptors-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const CONFIG = join(dir, 'settings.toml');

async function problemsOf(run: () => Promise<unknown>): Promise<readonly Problem[]> {
  try {
    await run();
  } catch (error) {
    if (isProblemError(error)) return error.problems;
    throw error;
  }
  assert.fail('expected a ProblemError');
}

describe('age behind the Encryptor port', () => {
  const a = generateAgeIdentity();
  const b = generateAgeIdentity();

  it('seals for every recipient, to the size it promises', async () => {
    const encryptor = ageEncryptor([a.publicKey, b.publicKey]);
    const plain = randomBytes(200_000);
    const sealed = await through(encryptor.seal(), plain);
    assert.equal(sealed.length, encryptor.sealedSize(plain.length));
    for (const identity of [a, b]) assert.ok((await through(createAgeOpenStream([identity]), sealed)).equals(plain));
    assert.deepEqual([...encryptor.recipients!].sort(), [formatAgeRecipient(a.publicKey), formatAgeRecipient(b.publicKey)].sort());
  });

  it('names the recipient set: order and repeats do not matter, another set or scheme differs', () => {
    const id = ageEncryptor([a.publicKey, b.publicKey]).keyId;
    assert.match(id, /^[0-9a-f]{16}$/);
    assert.equal(ageEncryptor([b.publicKey, a.publicKey, b.publicKey]).keyId, id);
    assert.notEqual(ageEncryptor([a.publicKey]).keyId, id);
    assert.notEqual(crypt4ghEncryptor([a.publicKey, b.publicKey]).keyId, id);
    assert.ok(!id.includes(a.publicKey.toString('hex').slice(0, 16)));
  });

  it('reads RECIPIENTS and RECIPIENTS_FILE together', async () => {
    const file = join(dir, 'recipients.txt');
    writeFileSync(file, `# the agency\n${formatAgeRecipient(b.publicKey)}\n\n`);
    const keys = await readAgeRecipients({ kind: 'age', recipients: [formatAgeRecipient(a.publicKey)], recipientsFile: file }, CONFIG);
    assert.deepEqual(keys, [a.publicKey, b.publicKey]);
  });

  it('refuses an identity, a malformed recipient and an unreadable file as CONFIG_INVALID naming the key, never the secret', async () => {
    const identityText = formatAgeIdentityFile(a, new Date(0)).split('\n')[2]!;
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '# nobody\n');
    const problems = await problemsOf(() => readAgeRecipients({ kind: 'age', recipients: [identityText, 'age1nope'], recipientsFile: join(dir, 'missing.txt') }, CONFIG));
    assert.deepEqual(problems.map((p) => p.code), ['CONFIG_INVALID', 'CONFIG_INVALID', 'CONFIG_INVALID']);
    assert.equal(problems[0]!.title, '`[SECURITY] RECIPIENTS` item 1 in settings.toml is not usable: it is an age identity (a secret key), not a recipient');
    assert.match(problems[1]!.title, /^`\[SECURITY\] RECIPIENTS` item 2 in settings\.toml is not usable: it is not an age X25519 recipient/);
    assert.match(problems[2]!.title, /^`\[SECURITY\] RECIPIENTS_FILE` in settings\.toml \(.*missing\.txt\) cannot be read: it does not exist$/);
    assert.ok(!JSON.stringify(problems).includes(identityText.slice(16, 40)));
    const none = await problemsOf(() => readAgeRecipients({ kind: 'age', recipients: [], recipientsFile: empty }, CONFIG));
    assert.match(none[0]!.title, /RECIPIENTS_FILE` in settings\.toml \(.*empty\.txt\) lists no recipient$/);
  });
});

describe('Crypt4GH behind the Encryptor port', () => {
  const a = generateCrypt4ghSecretKey();

  it('seals to the reference key files, opened by the matching secret key, to the size it promises', async () => {
    const pub = join(dir, 'a.c4gh.pub');
    writeFileSync(pub, formatCrypt4ghPublicKey(a.publicKey));
    const keys = await readCrypt4ghRecipients({ kind: 'crypt4gh', recipientKeys: [pub] }, CONFIG);
    const encryptor = crypt4ghEncryptor(keys);
    const plain = randomBytes(3 * 65_536);
    const sealed = await through(encryptor.seal(), plain);
    assert.equal(sealed.length, encryptor.sealedSize(plain.length));
    assert.ok((await through(createCrypt4ghOpenStream(a), sealed)).equals(plain));
    assert.deepEqual(encryptor.recipients, [a.publicKey.toString('base64')]);
    assert.equal(encryptor.scheme, 'crypt4gh');
  });

  it('refuses a secret key file and a malformed one as CONFIG_INVALID naming the key, never the content', async () => {
    const secret = join(dir, 'r.sec');
    const secretText = readVectorText('keys/recipient1.nocrypt.sec');
    writeFileSync(secret, secretText);
    const junk = join(dir, 'junk.pub');
    writeFileSync(junk, 'hello\n');
    const problems = await problemsOf(() => readCrypt4ghRecipients({ kind: 'crypt4gh', recipientKeys: [secret, junk] }, CONFIG));
    assert.deepEqual(problems.map((p) => p.code), ['CONFIG_INVALID', 'CONFIG_INVALID']);
    assert.match(problems[0]!.title, /^`\[SECURITY\] RECIPIENT_KEYS` in settings\.toml \(.*r\.sec\) is not usable: it is a secret key, not a public key$/);
    assert.match(problems[1]!.title, /^`\[SECURITY\] RECIPIENT_KEYS` in settings\.toml \(.*junk\.pub\) is not usable/);
    assert.ok(!JSON.stringify(problems).includes('hello'));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCrypt4ghOpenStream, parseCrypt4ghPublicKey, parseCrypt4ghSecretKey } from '../../../src/adapters/encryption/crypt4gh/index.js';
import { isProblemError } from '../../../src/core/problem.js';
import { Secret } from '../../../src/core/secret.js';
import { loadManifest, readVector, readVectorText, sha256, through } from '../../support/crypt4gh-vectors.js';

// What each refusal's message must say, by the manifest's reason.
const REFUSALS: [RegExp, string, string][] = [
  [/wrong passphrase/, 'KEY_INVALID', 'wrong passphrase'],
  [/holds no header packet|another recipient only|not a recipient|header packet fails its MAC/, 'FERNET_INVALID_TOKEN', 'no header packet opens with this secret key'],
  [/--sender_pk|ephemeral key/, 'FERNET_INVALID_TOKEN', 'no header packet opens with this secret key and the expected sender key'],
  [/segment 0 fails its Poly1305 MAC/, 'FERNET_INVALID_TOKEN', 'segment 0 fails its MAC'],
  [/truncated last segment/, 'FERNET_INVALID_TOKEN', 'segment 0 fails its MAC'],
  [/28 bytes or less/, 'FERNET_INVALID_TOKEN', 'segment 0 is truncated (28 bytes)'],
  [/wrong magic/, 'FERNET_INVALID_TOKEN', 'does not start with the Crypt4GH magic'],
  [/version 2/, 'FERNET_INVALID_TOKEN', 'version 2 is not supported'],
];

async function open(file: string, expect: { sk: string; passphrase?: string; sender_pk?: string }, chunk?: number): Promise<Buffer> {
  const passphrase = expect.passphrase === undefined ? undefined : new Secret(expect.passphrase);
  const key = parseCrypt4ghSecretKey(readVectorText(expect.sk), expect.sk, passphrase);
  const sender = expect.sender_pk ? parseCrypt4ghPublicKey(readVectorText(expect.sender_pk), expect.sender_pk) : undefined;
  return through(createCrypt4ghOpenStream(key, sender ? { sender } : {}), readVector(file), chunk);
}

describe('Crypt4GH reference vectors', () => {
  const { files } = loadManifest();
  for (const vector of files) {
    for (const expect of vector.expect) {
      const who = `${vector.file} with ${expect.sk}${expect.sender_pk ? ` from ${expect.sender_pk}` : ''}`;
      if (expect.outcome === 'decrypts') {
        it(`opens ${who} to ${expect.plaintext}`, async () => {
          const want = readVector(expect.plaintext!);
          assert.equal(sha256(want), expect.plaintext_sha256, 'regenerated plaintext');
          for (const chunk of [65_536, 1000, 7]) assert.ok((await open(vector.file, expect, chunk)).equals(want), `chunks of ${chunk}`);
        });
      } else {
        it(`refuses ${who}: ${expect.reason}`, async () => {
          const rule = REFUSALS.find(([reason]) => reason.test(expect.reason!));
          assert.ok(rule, `no message rule for ${expect.reason}`);
          const error = await open(vector.file, expect).then(() => undefined, (e: unknown) => e);
          assert.ok(isProblemError(error), `a ProblemError, got ${String(error)}`);
          assert.equal(error.code, rule[1]);
          assert.match(error.message, new RegExp(rule[2].replace(/[()]/g, '\\$&')));
          assert.doesNotMatch(error.message, /[A-Za-z0-9+/]{40,}/, 'no key material or file content');
        });
      }
    }
  }

  it('reads every secret key form to the same key as the manifest', () => {
    const r1 = parseCrypt4ghSecretKey(readVectorText('keys/recipient1.sec'), 'r1', new Secret('recipient1 passphrase'));
    const bcrypt = parseCrypt4ghSecretKey(readVectorText('keys/recipient1.bcrypt.sec'), 'r1b', new Secret('recipient1 passphrase'));
    const none = parseCrypt4ghSecretKey(readVectorText('keys/recipient1.nocrypt.sec'), 'r1n');
    const r2 = parseCrypt4ghSecretKey(readVectorText('keys/recipient2.sec'), 'r2', new Secret('recipient2-pässwörd'));
    for (const key of [r1, bcrypt, none]) assert.equal(key.exportRaw().toString('hex'), '8bf74b700bffdebcc16edc083c83fc50cc6a26b2fc1a3f932b431d7a393c0eab');
    assert.equal(r2.exportRaw().toString('hex'), '625e9fc4f97fd0cc9ba5142c4eaf83ace1531d200050082c310c1c198caab3c0');
    assert.ok(r1.publicKey.equals(parseCrypt4ghPublicKey(readVectorText('keys/recipient1.pub'), 'p1')));
    assert.ok(r2.publicKey.equals(parseCrypt4ghPublicKey(readVectorText('keys/recipient2.pub'), 'p2')));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeCrypt4ghSecretKey,
  formatCrypt4ghPublicKey,
  formatCrypt4ghSecretKey,
  generateCrypt4ghSecretKey,
  parseCrypt4ghPublicKey,
  parseCrypt4ghSecretKey,
} from '../../../src/adapters/encryption/crypt4gh/index.js';
import { isProblemError } from '../../../src/core/problem.js';
import { Secret } from '../../../src/core/secret.js';
import { readVectorText } from '../../support/crypt4gh-vectors.js';

describe('Crypt4GH key files', () => {
  it('writes a secret key file laid out as the reference writes it', () => {
    const reference = Buffer.from(readVectorText('keys/recipient1.sec').split('\n')[1]!, 'base64');
    const ours = Buffer.from(formatCrypt4ghSecretKey(generateCrypt4ghSecretKey(), new Secret('x'), 'recipient1@crypt4gh-vectors').split('\n')[1]!, 'base64');
    assert.equal(ours.length, reference.length);
    // Salt (bytes 21–36), nonce and sealed key (bytes 58–117) are random; the rest is fixed.
    for (const [from, to] of [[0, 21], [37, 58], [118, reference.length]]) assert.ok(ours.subarray(from, to).equals(reference.subarray(from, to)), `bytes ${from}–${to}`);
  });

  it('writes a secret key in the reference format that reads back with its passphrase only', () => {
    const key = generateCrypt4ghSecretKey();
    const text = formatCrypt4ghSecretKey(key, new Secret('pässwort'), 'agency@example');
    assert.match(text, /^-----BEGIN CRYPT4GH PRIVATE KEY-----\nYzRnaC12MQAGc2NyeXB0ABQAAAAA[A-Za-z0-9+/=]+\n-----END CRYPT4GH PRIVATE KEY-----\n$/);
    assert.deepEqual(describeCrypt4ghSecretKey(text, 'k'), { kdf: 'scrypt' });
    assert.ok(parseCrypt4ghSecretKey(text, 'k', new Secret('pässwort')).publicKey.equals(key.publicKey));
    assert.throws(() => parseCrypt4ghSecretKey(text, 'k', new Secret('passwort')), (e: unknown) => isProblemError(e) && e.code === 'KEY_INVALID' && /k is not usable: wrong passphrase/.test(e.message));
    assert.throws(() => parseCrypt4ghSecretKey(text, 'k'), (e: unknown) => isProblemError(e) && /protected by a passphrase \(scrypt\) and none was given/.test(e.message));
    assert.equal(parseCrypt4ghPublicKey(formatCrypt4ghPublicKey(key.publicKey), 'p').toString('hex'), key.publicKey.toString('hex'));
  });

  it('refuses malformed key files by name, without quoting them', () => {
    const cases: [string, string, RegExp][] = [
      ['empty', '', /not a Crypt4GH public key file/],
      ['secret as public', readVectorText('keys/recipient1.sec'), /not a Crypt4GH public key file/],
      ['short', '-----BEGIN CRYPT4GH PUBLIC KEY-----\nAAAA\n-----END CRYPT4GH PUBLIC KEY-----\n', /holds 32 bytes, this one 3/],
      ['low order', formatCrypt4ghPublicKey(Buffer.alloc(32)), /degenerate X25519 key \(low order\)/],
      ['not base64', '-----BEGIN CRYPT4GH PUBLIC KEY-----\n!!!!\n-----END CRYPT4GH PUBLIC KEY-----\n', /body is not base64/],
    ];
    for (const [name, text, message] of cases) {
      assert.throws(() => parseCrypt4ghPublicKey(text, `/etc/${name}.pub`), (e: unknown) => isProblemError(e) && e.code === 'KEY_INVALID' && message.test(e.message) && e.message.includes(`/etc/${name}.pub`), name);
    }
    assert.throws(() => parseCrypt4ghSecretKey(readVectorText('keys/recipient1.pub'), 'pub'), (e: unknown) => isProblemError(e) && /not a Crypt4GH secret key file/.test(e.message));
  });

  it('never shows a secret key as text', () => {
    const key = generateCrypt4ghSecretKey();
    assert.equal(String(key), '[x25519 secret key]');
    assert.equal(JSON.stringify({ key }), '{"key":"[x25519 secret key]"}');
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  createCrypt4ghOpenStream,
  createCrypt4ghSealStream,
  crypt4ghSealedSize,
  describeCrypt4ghSecretKey,
  formatCrypt4ghPublicKey,
  formatCrypt4ghSecretKey,
  generateCrypt4ghSecretKey,
  parseCrypt4ghPublicKey,
  parseCrypt4ghSecretKey,
} from '../../../src/adapters/encryption/crypt4gh/index.js';
import { openPackets, packetKey, writeHeader } from '../../../src/adapters/encryption/crypt4gh/header.js';
import { sealChaCha } from '../../../src/adapters/encryption/aead-chacha.js';
import { isProblemError } from '../../../src/core/problem.js';
import { Secret } from '../../../src/core/secret.js';
import { loadManifest, patterned, readVector, readVectorText, through } from '../../support/crypt4gh-vectors.js';

const SIZES = [0, 1, 65_535, 65_536, 65_537, 3 * 65_536];
const readers = [generateCrypt4ghSecretKey(), generateCrypt4ghSecretKey(), generateCrypt4ghSecretKey()];

describe('Crypt4GH seal and open', () => {
  for (const size of SIZES) {
    it(`seals ${size} bytes for three recipients, each opens it, the size law holds`, async () => {
      const plain = randomBytes(size);
      const sealed = await through(createCrypt4ghSealStream(readers.map((r) => r.publicKey)), plain, 10_000);
      assert.equal(sealed.length, crypt4ghSealedSize(size, 3));
      for (const reader of readers) assert.ok((await through(createCrypt4ghOpenStream(reader), sealed, 4096)).equals(plain));
    });
  }

  it('never writes an empty segment: an exact multiple of 65,536 ends with a full one', async () => {
    const sealed = await through(createCrypt4ghSealStream([readers[0]!.publicKey]), patterned(2 * 65_536));
    assert.equal(sealed.length, 124 + 2 * (65_536 + 28));
    assert.equal((await through(createCrypt4ghSealStream([readers[0]!.publicKey]), Buffer.alloc(0))).length, 124);
  });

  it('opens what it sealed for the reference keys, and a stranger is refused', async () => {
    const r1 = parseCrypt4ghPublicKey(readVectorText('keys/recipient1.pub'), 'r1');
    const sealed = await through(createCrypt4ghSealStream([r1]), readVector('plain/sample.zip'));
    const key = parseCrypt4ghSecretKey(readVectorText('keys/recipient1.nocrypt.sec'), 'r1');
    assert.ok((await through(createCrypt4ghOpenStream(key), sealed)).equals(readVector('plain/sample.zip')));
    const error = await through(createCrypt4ghOpenStream(readers[0]!), sealed).catch((e: unknown) => e);
    assert.ok(isProblemError(error) && /no header packet opens/.test(error.message));
  });

  it('refuses a file that ends inside its header', async () => {
    const sealed = await through(createCrypt4ghSealStream([readers[0]!.publicKey]), patterned(10));
    const error = await through(createCrypt4ghOpenStream(readers[0]!), sealed.subarray(0, 100)).catch((e: unknown) => e);
    assert.ok(isProblemError(error) && /ends inside its header/.test(error.message));
  });

  it('applies a data edit list from the header (skip, keep, skip, keep…)', async () => {
    const writer = generateCrypt4ghSecretKey();
    const reader = readers[0]!;
    const plain = patterned(3 * 65_536);
    const sealed = await through(createCrypt4ghSealStream([reader.publicKey]), plain);
    const session = openPackets([sealed.subarray(16, 124)], reader).sessionKeys[0]!;
    // A second packet for the same reader: skip 10, keep 5, skip 65,530, keep 3, drop the rest.
    const lengths = [10n, 5n, 65_530n, 3n];
    const body = Buffer.alloc(8 + 8 * lengths.length);
    body.writeUInt32LE(1, 0);
    body.writeUInt32LE(lengths.length, 4);
    lengths.forEach((n, i) => body.writeBigUInt64LE(n, 8 + 8 * i));
    const nonce = randomBytes(12);
    const sealedBody = sealChaCha(packetKey(writer, reader.publicKey, false)!, nonce, body);
    const head = Buffer.alloc(8);
    head.writeUInt32LE(8 + 32 + 12 + sealedBody.length, 0);
    const rewritten = Buffer.concat([writeHeader(writer, [reader.publicKey], session), head, writer.publicKey, nonce, sealedBody, sealed.subarray(124)]);
    rewritten.writeUInt32LE(2, 12);
    const out = await through(createCrypt4ghOpenStream(reader), rewritten, 3000);
    assert.ok(out.equals(Buffer.concat([plain.subarray(10, 15), plain.subarray(65_545, 65_548)])));
  });

  it('writes files of the size and layout the reference writes', async () => {
    for (const vector of loadManifest().files) {
      if (vector.role === 'ciphertext') assert.equal(crypt4ghSealedSize(vector.plaintext_size, vector.recipients.length), vector.size, vector.file);
    }
    const reference = readVector('enc/p1.r1.c4gh');
    const ours = await through(createCrypt4ghSealStream([readers[0]!.publicKey]), patterned(1));
    // Magic, version, packet count, packet length and method: everything before the writer key.
    assert.ok(ours.subarray(0, 24).equals(reference.subarray(0, 24)));
    assert.equal(ours.length, reference.length);
  });

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

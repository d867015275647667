import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  createCrypt4ghOpenStream,
  createCrypt4ghSealStream,
  crypt4ghSealedSize,
  generateCrypt4ghSecretKey,
  parseCrypt4ghPublicKey,
  parseCrypt4ghSecretKey,
} from '../../../src/adapters/encryption/crypt4gh/index.js';
import { openPackets, packetKey, writeHeader } from '../../../src/adapters/encryption/crypt4gh/header.js';
import { sealChaCha } from '../../../src/adapters/encryption/aead-chacha.js';
import { isProblemError } from '../../../src/core/problem.js';
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
});

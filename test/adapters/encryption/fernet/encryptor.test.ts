import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { fernetDecrypt, generateFernetKey, parseFernetKey } from '../../../../src/adapters/encryption/fernet/fernet.js';
import { fernetEncryptor, fernetKeyId } from '../../../../src/adapters/encryption/fernet/encryptor.js';

const KEY_TEXT = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';

describe('fernetEncryptor', () => {
  it('seals a bundle to exactly sealedSize bytes, and the token decrypts to the bundle', async () => {
    const key = parseFernetKey(KEY_TEXT);
    const encryptor = fernetEncryptor(key);
    for (const size of [0, 1, 15, 16, 17, 100_000]) {
      const plain = Buffer.alloc(size, 7);
      const sealed = await buffer(Readable.from([plain]).pipe(encryptor.seal()));
      assert.equal(sealed.length, encryptor.sealedSize(size), `${size} bytes`);
      assert.deepEqual(fernetDecrypt(key, sealed), plain);
    }
  });

  it('names its scheme and the key by an id that is stable, distinct per key and not the key', () => {
    const key = parseFernetKey(KEY_TEXT);
    const encryptor = fernetEncryptor(key);
    assert.equal(encryptor.scheme, 'fernet');
    assert.equal(encryptor.label, 'Fernet');
    assert.match(encryptor.keyId, /^[0-9a-f]{16}$/);
    assert.equal(fernetKeyId(parseFernetKey(KEY_TEXT + '\n')), encryptor.keyId);
    assert.notEqual(fernetKeyId(parseFernetKey(generateFernetKey())), encryptor.keyId);
    const raw = Buffer.from(KEY_TEXT, 'base64url');
    // Domain-separated: not the plain SHA-256 of the key bytes or of the key text, and no part of the key.
    assert.ok(!createHash('sha256').update(raw).digest('hex').startsWith(encryptor.keyId));
    assert.ok(!createHash('sha256').update(KEY_TEXT).digest('hex').startsWith(encryptor.keyId));
    assert.ok(!raw.toString('hex').includes(encryptor.keyId));
    // The documented derivation, pinned: a change would rename every key the ledger will record.
    assert.equal(encryptor.keyId, createHash('sha256').update('aktin-sftp key id v1 fernet\0').update(raw).digest('hex').slice(0, 16));
    assert.equal(encryptor.keyId, '9b322c7408c05f0b', 'the value of the Python line in docs/configuration.md');
  });
});

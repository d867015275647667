import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fernetEncrypt, generateFernetKey, parseFernetKey } from '../../../../src/adapters/encryption/fernet/fernet.js';
import { decryptFile } from '../../../../src/adapters/encryption/fernet/decrypt-file.js';
import { loadVectors } from '../../../support/fernet-vectors.js';
import { failure } from '../../../support/problems.js';
import { tempDir } from '../../../support/temp-dir.js';

const dir = () => tempDir('fernet-file');
const key = parseFernetKey(generateFernetKey());

describe('decryptFile', () => {
  it('decrypts a large token to identical bytes, with or without padding and newline', async () => {
    const d = dir();
    const data = randomBytes(3 * 1024 * 1024 + 11);
    const token = fernetEncrypt(key, data);
    for (const [name, text] of [['padded', token], ['newline', token + '\n'], ['unpadded', token.replace(/=+$/, '')], ['crlf', token + '\r\n']] as const) {
      writeFileSync(join(d, `${name}.token`), text);
      const { bytes } = await decryptFile(key, join(d, `${name}.token`), join(d, `${name}.plain`));
      assert.equal(bytes, data.length, name);
      assert.ok(readFileSync(join(d, `${name}.plain`)).equals(data), name);
      assert.equal(statSync(join(d, `${name}.plain`)).mode & 0o777, 0o600, name);
    }
  });

  it('decrypts every size around the block and base64 boundaries', async () => {
    const d = dir();
    for (const size of [0, 1, 2, 3, 15, 16, 17, 31, 32, 33, 196_607, 196_608, 196_609]) {
      const data = randomBytes(size);
      writeFileSync(join(d, 't'), fernetEncrypt(key, data));
      const out = join(d, `p${size}`);
      assert.equal((await decryptFile(key, join(d, 't'), out)).bytes, size);
      assert.ok(readFileSync(out).equals(data), `size ${size}`);
    }
  });

  it('honours the TTL only when given', async () => {
    const d = dir();
    writeFileSync(join(d, 't'), fernetEncrypt(key, Buffer.from('old'), { now: 1_000_000 }));
    await decryptFile(key, join(d, 't'), join(d, 'a'));
    assert.equal(readFileSync(join(d, 'a'), 'utf8'), 'old');
    const e = await failure(decryptFile(key, join(d, 't'), join(d, 'b'), { ttl: 3600 }));
    assert.equal(e.code, 'DECRYPT_FAILED');
    assert.match(e.problems[0]!.detail!, /expired/);
  });

  const tamperings: [string, (token: string) => string, RegExp][] = [
    ['a flipped character in the ciphertext', (t) => t.slice(0, 200) + (t[200] === 'A' ? 'B' : 'A') + t.slice(201), /HMAC mismatch/],
    ['a flipped character in the HMAC', (t) => t.slice(0, t.length - 10) + (t.at(-10) === 'A' ? 'B' : 'A') + t.slice(t.length - 9), /HMAC mismatch/],
    ['a truncated file', (t) => t.slice(0, t.length - 50), /malformed|not url-safe/],
    ['a foreign character', (t) => t.slice(0, 100) + '%' + t.slice(101), /not url-safe base64/],
    ['text after the token', (t) => t + '\nmore', /not url-safe base64/],
    ['a blank inside', (t) => t.slice(0, 5000) + '\n' + t.slice(5000), /not url-safe base64/],
    ['an empty file', () => '', /malformed/],
  ];
  for (const [name, tamper, why] of tamperings) {
    it(`leaves no plaintext and no temp file for ${name}`, async () => {
      const d = dir();
      writeFileSync(join(d, 'export_2.zip'), tamper(fernetEncrypt(key, randomBytes(100_000))));
      const e = await failure(decryptFile(key, join(d, 'export_2.zip'), join(d, 'out')));
      assert.equal(e.code, 'DECRYPT_FAILED');
      assert.match(e.message, /export_2\.zip is not a valid Fernet token/);
      assert.match(e.problems[0]!.detail!, why);
      assert.deepEqual(readdirSync(d), ['export_2.zip']);
    });
  }

  it('rejects every invalid spec vector and leaves nothing, also when bad padding shows only after the temp file exists', async () => {
    const d = dir();
    for (const v of loadVectors('invalid')) {
      writeFileSync(join(d, 't'), v.token);
      const e = await failure(decryptFile(parseFernetKey(v.secret), join(d, 't'), join(d, 'out'), v.desc === 'expired TTL' || v.desc?.startsWith('far-future') ? { ttl: v.ttl! } : {}));
      assert.equal(e.code, 'DECRYPT_FAILED', v.desc);
      assert.deepEqual(readdirSync(d), ['t'], v.desc);
    }
  });

  it('rejects a token under another key without writing', async () => {
    const d = dir();
    writeFileSync(join(d, 't'), fernetEncrypt(parseFernetKey(generateFernetKey()), randomBytes(1000)));
    const e = await failure(decryptFile(key, join(d, 't'), join(d, 'out')));
    assert.match(e.problems[0]!.detail!, /HMAC mismatch.*Nothing was written/);
    assert.deepEqual(readdirSync(d), ['t']);
  });

  it('refuses to write over its input', async () => {
    const d = dir();
    writeFileSync(join(d, 't'), fernetEncrypt(key, Buffer.from('x')));
    const e = await failure(decryptFile(key, join(d, 't'), join(d, '.', 't')));
    assert.equal(e.code, 'USAGE');
    assert.match(e.message, /must differ/);
    assert.equal(readFileSync(join(d, 't'), 'utf8').length, 100);
  });

  it('reports a missing input, a folder as input and a missing output folder as FILE_IO', async () => {
    const d = dir();
    mkdirSync(join(d, 'folder'));
    writeFileSync(join(d, 't'), fernetEncrypt(key, Buffer.from('x')));
    for (const [input, output, why] of [
      [join(d, 'missing'), join(d, 'out'), /Cannot read the token file .*missing/],
      [join(d, 'folder'), join(d, 'out'), /Cannot read the token file .*folder/],
      [join(d, 't'), join(d, 'nowhere', 'out'), /Cannot write .*nowhere\/out$/],
    ] as const) {
      const e = await failure(decryptFile(key, input, output));
      assert.equal(e.code, 'FILE_IO');
      assert.match(e.message, why);
    }
    assert.deepEqual(readdirSync(d).sort(), ['folder', 't']);
  });
});

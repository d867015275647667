import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import fernet from 'fernet';
import { fernetDecrypt, fernetEncrypt, generateFernetKey, parseFernetKey } from '../../src/adapters/fernet.js';
import { createFernetEncryptStream } from '../../src/adapters/fernet-stream.js';
import { fernetTokenSize } from '../../src/core/fernet-size.js';
import { isProblemError } from '../../src/core/problem.js';
import { pythonFernet } from '../support/python-fernet.js';

const VECTORS = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'fernet-vectors');
const load = (name: string) => JSON.parse(readFileSync(join(VECTORS, name), 'utf8')) as Record<string, unknown>[];
const seconds = (iso: unknown) => Math.floor(Date.parse(String(iso)) / 1000);
const invalid = (e: unknown) => isProblemError(e) && e.code === 'FERNET_INVALID_TOKEN';

describe('Fernet spec vectors', () => {
  it('generate: same token for the same time and IV', () => {
    for (const v of load('generate.json')) {
      const key = parseFernetKey(String(v.secret));
      const options = { now: seconds(v.now), iv: Buffer.from(v.iv as number[]) };
      assert.equal(fernetEncrypt(key, Buffer.from(String(v.src)), options), v.token);
    }
  });

  it('verify: decrypts within the TTL', () => {
    for (const v of load('verify.json')) {
      const plain = fernetDecrypt(parseFernetKey(String(v.secret)), String(v.token), { ttl: Number(v.ttl_sec), now: seconds(v.now) });
      assert.equal(plain.toString(), v.src);
    }
  });

  for (const v of load('invalid.json')) {
    it(`invalid: ${String(v.desc)}`, () => {
      assert.throws(() => fernetDecrypt(parseFernetKey(String(v.secret)), String(v.token), { ttl: Number(v.ttl_sec), now: seconds(v.now) }), invalid);
    });
  }
});

describe('Fernet keys', () => {
  it('accepts a key with a trailing newline, as Python does', () => {
    const key = generateFernetKey();
    assert.equal(key.length, 44);
    const token = fernetEncrypt(parseFernetKey(key + '\n'), Buffer.from('x'));
    assert.equal(fernetDecrypt(parseFernetKey(key), token).toString(), 'x');
  });

  for (const [name, text] of [
    ['43 characters', generateFernetKey().slice(1)],
    ['standard base64 alphabet', '+'.repeat(43) + '='],
    ['empty', ''],
  ]) {
    it(`rejects a malformed key: ${name}, without echoing it`, () => {
      assert.throws(
        () => parseFernetKey(text!, 'The key file /etc/rki.key'),
        (e: unknown) => isProblemError(e) && e.code === 'KEY_INVALID' && /\/etc\/rki\.key/.test(e.message) && (text === '' || !JSON.stringify(e.problems).includes(text!)),
      );
    });
  }

  it('never shows key material when printed', () => {
    const key = parseFernetKey(generateFernetKey());
    assert.equal(String(key), '[fernet key]');
    assert.equal(JSON.stringify({ key }), '{"key":"[fernet key]"}');
    assert.equal(inspect(key), '[fernet key]');
  });

  it('rejects a token under the wrong key', () => {
    const token = fernetEncrypt(parseFernetKey(generateFernetKey()), Buffer.from('secret'));
    assert.throws(() => fernetDecrypt(parseFernetKey(generateFernetKey()), token), invalid);
  });
});

describe('streaming encryption', () => {
  const key = parseFernetKey(generateFernetKey());
  for (const size of [0, 1, 2, 3, 15, 16, 17, 100_003, 1_000_003]) {
    it(`is byte-identical to fernetEncrypt for ${size} bytes in odd chunks`, async () => {
      const data = randomBytes(size);
      const options = { now: 1_700_000_000, iv: randomBytes(16) };
      const chunks: Buffer[] = [];
      for (let at = 0, step = 1; at < size; at += step, step = (step * 7 + 3) % 65_537 || 1) chunks.push(data.subarray(at, at + step));
      const streamed = (await buffer(Readable.from(chunks).pipe(createFernetEncryptStream(key, options)))).toString('latin1');
      assert.equal(streamed, fernetEncrypt(key, data, options));
      assert.equal(streamed.length, fernetTokenSize(size));
      assert.ok(fernetDecrypt(key, streamed).equals(data));
    });
  }
});

describe('interoperability', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fernet-interop-'));
  const keyText = generateFernetKey();
  const key = parseFernetKey(keyText);
  const keyFile = join(dir, 'key');
  writeFileSync(keyFile, keyText);

  it('Python decrypts our streamed token of binary data', async () => {
    const data = randomBytes(300_007);
    const token = await buffer(Readable.from([data.subarray(0, 1000), data.subarray(1000)]).pipe(createFernetEncryptStream(key)));
    writeFileSync(join(dir, 'ours.token'), token);
    pythonFernet('decrypt', keyFile, join(dir, 'ours.token'), join(dir, 'ours.plain'));
    assert.ok(readFileSync(join(dir, 'ours.plain')).equals(data));
  });

  it('we decrypt Python\'s token of binary data', () => {
    const data = randomBytes(65_536 + 5);
    writeFileSync(join(dir, 'theirs.plain'), data);
    pythonFernet('encrypt', keyFile, join(dir, 'theirs.plain'), join(dir, 'theirs.token'));
    assert.ok(fernetDecrypt(key, readFileSync(join(dir, 'theirs.token'))).equals(data));
  });

  it('agrees with the fernet npm package on text, both ways', () => {
    const text = 'héllo ✓';
    const secret = new fernet.Secret(keyText);
    const theirs = new fernet.Token({ secret }).encode(text);
    assert.equal(fernetDecrypt(key, theirs).toString('utf8'), text);
    const ours = fernetEncrypt(key, Buffer.from(text, 'utf8'));
    assert.equal(new fernet.Token({ secret, ttl: 0, token: ours }).decode(), text);
  });
});

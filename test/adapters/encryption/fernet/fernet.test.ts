import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import fernet from 'fernet';
import { zipSync, strToU8 } from 'fflate';
import { fernetDecrypt, fernetEncrypt, generateFernetKey, parseFernetKey } from '../../../../src/adapters/encryption/fernet/fernet.js';
import { createFernetEncryptStream } from '../../../../src/adapters/encryption/fernet/stream.js';
import { fernetTokenSize } from '../../../../src/adapters/encryption/fernet/size.js';
import { isProblemError } from '../../../../src/core/problem.js';
import { loadVectors } from '../../../support/fernet-vectors.js';
import { pythonFernet } from '../../../support/python-fernet.js';
import { tempDir } from '../../../support/temp-dir.js';

const invalid = (e: unknown) => isProblemError(e) && e.code === 'DECRYPT_FAILED';

describe('Fernet spec vectors', () => {
  it('generate: the same token for the same time and IV', () => {
    for (const v of loadVectors('generate')) {
      assert.equal(fernetEncrypt(parseFernetKey(v.secret), Buffer.from(v.src!), { now: v.now, iv: v.iv! }), v.token);
    }
  });

  it('generate: the stream encoder writes the same token', async () => {
    for (const v of loadVectors('generate')) {
      const stream = createFernetEncryptStream(parseFernetKey(v.secret), { now: v.now, iv: v.iv! });
      assert.equal((await buffer(Readable.from([Buffer.from(v.src!)]).pipe(stream))).toString('latin1'), v.token);
    }
  });

  it('verify: decrypts within the TTL', () => {
    for (const v of loadVectors('verify')) {
      assert.equal(fernetDecrypt(parseFernetKey(v.secret), v.token, { ttl: v.ttl!, now: v.now }).toString(), v.src);
    }
  });

  for (const v of loadVectors('invalid')) {
    it(`invalid: ${v.desc}`, () => {
      assert.throws(() => fernetDecrypt(parseFernetKey(v.secret), v.token, { ttl: v.ttl!, now: v.now }), invalid, v.desc);
    });
  }
});

describe('fernetDecrypt', () => {
  const key = parseFernetKey(generateFernetKey());
  const token = fernetEncrypt(key, Buffer.from('hello'), { now: 1_000_000 });

  it('reads tokens with or without padding, as text or bytes, with a trailing newline', () => {
    assert.ok(token.endsWith('='));
    for (const form of [token, token.replace(/=+$/, ''), token + '\n', Buffer.from(token)]) {
      assert.equal(fernetDecrypt(key, form).toString(), 'hello');
    }
  });

  const unpadded = token.replace(/=+$/, '');
  const cases: [string, string, RegExp][] = [
    ['standard base64 characters', token.slice(0, 10) + '+' + token.slice(11), /not url-safe base64/],
    ['a blank inside', token.slice(0, 10) + ' ' + token.slice(10), /not url-safe base64/],
    ['padding that does not complete a group', token + '=', /not url-safe base64/],
    ['a lone last character', unpadded.slice(0, unpadded.length - (unpadded.length % 4)) + 'A', /not url-safe base64/],
    ['another version byte', fernetEncrypt(key, Buffer.from('hello')).replace(/^gA/, 'gQ'), /unknown version/],
    ['a truncated token', token.slice(0, 96), /malformed/],
    ['an empty token', '', /malformed/],
  ];
  for (const [name, bad, why] of cases) {
    it(`refuses ${name}`, () => assert.throws(() => fernetDecrypt(key, bad), (e: unknown) => invalid(e) && why.test((e as Error).message)));
  }

  it('checks age and future skew only when a TTL is given, as Python does', () => {
    assert.equal(fernetDecrypt(key, token, { now: 9_000_000_000 }).toString(), 'hello');
    assert.equal(fernetDecrypt(key, token, { ttl: 10, now: 1_000_010 }).toString(), 'hello');
    assert.throws(() => fernetDecrypt(key, token, { ttl: 10, now: 1_000_011 }), /expired/);
    assert.equal(fernetDecrypt(key, token, { ttl: 10, now: 1_000_000 - 60 }).toString(), 'hello');
    assert.throws(() => fernetDecrypt(key, token, { ttl: 10, now: 1_000_000 - 61 }), /future/);
  });

  it('rejects a token under the wrong key', () => {
    assert.throws(() => fernetDecrypt(parseFernetKey(generateFernetKey()), token), /HMAC mismatch/);
  });
});

describe('Fernet keys', () => {
  it('generates 44 url-safe base64 characters of 32 random bytes, like Python', () => {
    const keys = new Set(Array.from({ length: 50 }, () => generateFernetKey()));
    assert.equal(keys.size, 50);
    for (const k of keys) {
      assert.match(k, /^[A-Za-z0-9_-]{43}=$/);
      assert.equal(Buffer.from(k, 'base64url').length, 32);
    }
  });

  it('accepts surrounding whitespace and a trailing newline', () => {
    const text = generateFernetKey();
    const token = fernetEncrypt(parseFernetKey(` ${text}\n`), Buffer.from('x'));
    assert.equal(fernetDecrypt(parseFernetKey(text), token).toString(), 'x');
  });

  const text = generateFernetKey();
  const malformed: [string, string, RegExp][] = [
    ['43 characters', text.slice(1), /found 43 characters\./],
    ['no padding (Python refuses it too)', text.slice(0, 43), /found 43 characters\./],
    ['the standard base64 alphabet', text.slice(0, 20) + '+/' + text.slice(22), /outside the url-safe base64 alphabet/],
    ['45 characters', text + 'A', /found 45 characters/],
    ['empty', '', /found 0 characters/],
  ];
  for (const [name, bad, detail] of malformed) {
    it(`rejects a key of ${name}, naming the source and never echoing it`, () => {
      assert.throws(
        () => parseFernetKey(bad, 'The key file /etc/rki.key'),
        (e: unknown) => {
          assert.ok(isProblemError(e) && e.code === 'KEY_INVALID');
          assert.match(e.message, /\/etc\/rki\.key/);
          assert.match(e.problems[0]!.detail!, detail);
          const shown = JSON.stringify(e.problems);
          if (bad) assert.ok(!shown.includes(bad) && !shown.includes(bad.slice(0, 20)), 'key text echoed');
          return true;
        },
      );
    });
  }

  it('never shows key material when printed', () => {
    const text = generateFernetKey();
    const key = parseFernetKey(text);
    assert.equal(String(key), '[fernet key]');
    assert.equal(`${key}`, '[fernet key]');
    assert.equal(JSON.stringify({ key }), '{"key":"[fernet key]"}');
    assert.equal(inspect(key), '[fernet key]');
    const bytes = Buffer.from(text, 'base64url');
    const shown = [inspect({ key }, { showHidden: true, depth: 9 }), JSON.stringify([key]), Object.keys(key).join()].join('\n');
    for (const secret of [text, bytes.toString('hex'), bytes.subarray(0, 16).toString('hex'), bytes.subarray(16).toString('hex')]) {
      assert.ok(!shown.includes(secret), 'key material shown');
    }
  });
});

/** Splits data into chunks of irregular sizes: 1, 10, 73, 514, … bytes. */
function oddChunks(data: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0, step = 1; at < data.length; at += step, step = (step * 7 + 3) % 65_537 || 1) chunks.push(data.subarray(at, at + step));
  return chunks;
}

describe('streaming encryption', () => {
  const key = parseFernetKey(generateFernetKey());
  for (const size of [0, 1, 2, 3, 15, 16, 17, 100_003, 1_000_003]) {
    it(`is byte-identical to fernetEncrypt for ${size} bytes in odd chunks`, async () => {
      const data = randomBytes(size);
      const options = { now: 1_700_000_000, iv: randomBytes(16) };
      const expected = fernetEncrypt(key, data, options);
      const bytewise = Array.from({ length: Math.min(size, 4096) }, (_, i) => data.subarray(i, i + 1)).concat(size > 4096 ? [data.subarray(4096)] : []);
      for (const chunks of [oddChunks(data), [data], bytewise]) {
        const streamed = (await buffer(Readable.from(chunks).pipe(createFernetEncryptStream(key, options)))).toString('latin1');
        assert.equal(streamed, expected);
      }
      assert.equal(expected.length, fernetTokenSize(size));
      assert.ok(!expected.endsWith('\n'));
      assert.ok(fernetDecrypt(key, expected).equals(data));
    });
  }

  it('uses a fresh IV and the current time unless told otherwise', async () => {
    const a = (await buffer(Readable.from([Buffer.from('x')]).pipe(createFernetEncryptStream(key)))).toString();
    const b = (await buffer(Readable.from([Buffer.from('x')]).pipe(createFernetEncryptStream(key)))).toString();
    assert.notEqual(a, b);
    const issued = Number(Buffer.from(a, 'base64url').readBigUInt64BE(1));
    assert.ok(Math.abs(issued - Date.now() / 1000) < 5);
  });
});

describe('interoperability with Python cryptography.Fernet', () => {
  const dir = tempDir('fernet-interop');
  const keyText = generateFernetKey();
  const key = parseFernetKey(keyText);
  const keyFile = join(dir, 'key');
  writeFileSync(keyFile, keyText + '\n');
  const zip = Buffer.from(
    zipSync({ 'export/result.txt': strToU8('id;node;wert\n1;2;héllo ✓\n'.repeat(500)), 'export/blob.bin': randomBytes(50_000) }, { level: 6 }),
  );
  const payloads: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['random bytes', randomBytes(300_007)],
    ['a zip', zip],
    ['every byte value', Buffer.from(Array.from({ length: 256 }, (_, i) => i))],
  ];

  for (const [name, data] of payloads) {
    it(`Python decrypts our streamed token of ${name} to identical bytes`, async () => {
      const token = await buffer(Readable.from(oddChunks(data)).pipe(createFernetEncryptStream(key)));
      writeFileSync(join(dir, 'ours.token'), token);
      pythonFernet('decrypt', keyFile, join(dir, 'ours.token'), join(dir, 'ours.plain'));
      assert.ok(readFileSync(join(dir, 'ours.plain')).equals(data));
    });

    it(`we decrypt Python's token of ${name} to identical bytes`, () => {
      writeFileSync(join(dir, 'theirs.plain'), data);
      pythonFernet('encrypt', keyFile, join(dir, 'theirs.plain'), join(dir, 'theirs.token'));
      const token = readFileSync(join(dir, 'theirs.token'));
      assert.equal(token.length, fernetTokenSize(data.length));
      assert.ok(fernetDecrypt(key, token, { ttl: 60 }).equals(data));
    });
  }

  it('Python decrypts fernetEncrypt output too', () => {
    writeFileSync(join(dir, 'buf.token'), fernetEncrypt(key, zip));
    pythonFernet('decrypt', keyFile, join(dir, 'buf.token'), join(dir, 'buf.plain'));
    assert.ok(readFileSync(join(dir, 'buf.plain')).equals(zip));
  });
});

describe('interoperability with the fernet npm package (text only)', () => {
  const keyText = generateFernetKey();
  const key = parseFernetKey(keyText);
  const secret = new fernet.Secret(keyText);
  for (const text of ['héllo ✓', 'x', '', 'a longer line of text that spans several AES blocks: äöü ß € 😀'.repeat(20)]) {
    it(`agrees both ways on ${JSON.stringify(text.slice(0, 20))}`, async () => {
      const theirs = new fernet.Token({ secret }).encode(text);
      assert.equal(fernetDecrypt(key, theirs).toString('utf8'), text);
      const ours = fernetEncrypt(key, Buffer.from(text, 'utf8'));
      // ttl: 0, or the package refuses tokens older than 60 s (docs/dependencies.md §1.1 defect 3).
      assert.equal(new fernet.Token({ secret, ttl: 0, token: ours }).decode(), text);
      const streamed = (await buffer(Readable.from([Buffer.from(text, 'utf8')]).pipe(createFernetEncryptStream(key)))).toString();
      assert.equal(new fernet.Token({ secret, ttl: 0, token: streamed }).decode(), text);
    });
  }
});

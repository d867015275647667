import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fernetEncrypt, generateFernetKey, parseFernetKey } from '../../src/adapters/fernet.js';
import { decryptFile } from '../../src/adapters/fernet-decrypt-file.js';
import { readKeyFile, writeNewKeyFile } from '../../src/adapters/key-file.js';
import { isProblemError } from '../../src/core/problem.js';

const dir = () => mkdtempSync(join(tmpdir(), 'fernet-file-'));
const key = parseFernetKey(generateFernetKey());

describe('decryptFile', () => {
  it('decrypts a large token file to identical bytes, with or without a trailing newline', async () => {
    const d = dir();
    const data = randomBytes(3 * 1024 * 1024 + 11);
    for (const [name, suffix] of [['a', ''], ['b', '\n']] as const) {
      writeFileSync(join(d, `${name}.token`), fernetEncrypt(key, data) + suffix);
      const { bytes } = await decryptFile(key, join(d, `${name}.token`), join(d, `${name}.plain`));
      assert.equal(bytes, data.length);
      assert.ok(readFileSync(join(d, `${name}.plain`)).equals(data));
    }
  });

  const tamperings: [string, (token: string) => string][] = [
    ['a flipped character', (t) => t.slice(0, 200) + (t[200] === 'A' ? 'B' : 'A') + t.slice(201)],
    ['a truncated file', (t) => t.slice(0, t.length - 50)],
    ['a foreign character', (t) => t.slice(0, 100) + '%' + t.slice(101)],
  ];
  for (const [name, tamper] of tamperings) {
    it(`leaves no plaintext and no temp file for ${name}`, async () => {
      const d = dir();
      writeFileSync(join(d, 't'), tamper(fernetEncrypt(key, randomBytes(100_000))));
      await assert.rejects(decryptFile(key, join(d, 't'), join(d, 'out')), (e: unknown) => isProblemError(e) && e.code === 'FERNET_INVALID_TOKEN');
      assert.deepEqual(readdirSync(d), ['t']);
    });
  }

  it('refuses to write over its input', async () => {
    const d = dir();
    writeFileSync(join(d, 't'), fernetEncrypt(key, Buffer.from('x')));
    await assert.rejects(decryptFile(key, join(d, 't'), join(d, 't')), /must differ/);
  });
});

describe('key files', () => {
  it('writes a new key with mode 0600 and refuses to overwrite it', async () => {
    const path = join(dir(), 'rki.key');
    await writeNewKeyFile(path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.match(readFileSync(path, 'utf8'), /^[A-Za-z0-9_-]{43}=\n$/);
    await readKeyFile(path);
    await assert.rejects(writeNewKeyFile(path), (e: unknown) => isProblemError(e) && e.code === 'FILE_IO' && /exists already/.test(e.problems[0]!.detail!));
  });

  it('warns about a key file readable by others', async () => {
    const path = join(dir(), 'rki.key');
    writeFileSync(path, generateFernetKey());
    chmodSync(path, 0o644);
    const warnings: string[] = [];
    await readKeyFile(path, (w) => warnings.push(w));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /chmod 600/);
  });

  it('names a missing or malformed key file and never echoes its content', async () => {
    const d = dir();
    await assert.rejects(readKeyFile(join(d, 'missing.key')), (e: unknown) => isProblemError(e) && e.code === 'KEY_INVALID' && /missing\.key/.test(e.message));
    const bad = 'this-is-not-a-key-but-a-secret-looking-text!';
    writeFileSync(join(d, 'bad.key'), bad, { mode: 0o600 });
    await assert.rejects(readKeyFile(join(d, 'bad.key')), (e: unknown) => isProblemError(e) && !JSON.stringify(e.problems).includes(bad));
    assert.ok(!existsSync(join(d, 'x')));
  });
});

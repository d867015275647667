/**
 * `aktin-sftp decrypt` (the built CLI) refusing what does not open: a key of another scheme
 * than the file's (said before any passphrase is asked), a public key given for the secret one,
 * an altered or truncated file (an existing output stays untouched, no temporary file stays),
 * options that do not apply to the file's scheme.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { agency, PASS } from './support/agency-keys.js';

const temps = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

describe('aktin-sftp decrypt refuses', () => {
  it('a key of another scheme, saying which scheme the file is and which key it needs, before asking a passphrase', async (t) => {
    const { dir, cli } = await agency(t);
    const cases: [string, string, RegExp, RegExp][] = [
      ['a.id', 'e.zip.c4gh', /e\.zip\.c4gh is a Crypt4GH file, and the key file .*a\.id is an age identity file \[KEY_INVALID\]/, /opens only with a Crypt4GH secret key/],
      ['c.sec', 'e.zip.age', /e\.zip\.age is an age file, and the key file .*c\.sec is a Crypt4GH secret key \[KEY_INVALID\]/, /opens only with an age identity file/],
      ['f.key', 'e.zip.age', /e\.zip\.age is an age file, and the key file .*f\.key is the Fernet key file \[KEY_INVALID\]/, /age-keygen/],
      ['c.sec', 'e.zip', /e\.zip is a Fernet token, and the key file .*c\.sec is a Crypt4GH secret key \[KEY_INVALID\]/, /opens only with the Fernet key file/],
    ];
    for (const [key, file, title, detail] of cases) {
      const run = await cli(['decrypt', '-k', key, file, '-o', 'out']);
      assert.equal(run.code, 1, `${key} on ${file}: ${run.stderr}`);
      assert.match(run.stderr, title);
      assert.match(run.stderr, detail);
    }
    const publicKey = await cli(['decrypt', '-k', 'c.sec.pub', 'e.zip.c4gh', '-o', 'out']);
    assert.equal(publicKey.code, 1);
    assert.match(publicKey.stderr, /c\.sec\.pub is not usable: it is a Crypt4GH public key, and decrypting needs the secret key \[KEY_INVALID\]/);
    assert.doesNotMatch(publicKey.stderr, /Warning/, 'no warning about who may read a public key');
    assert.ok(!readdirSync(dir).includes('out'));
  });

  it('an altered or truncated file, leaving an existing output and the folder untouched', async (t) => {
    const { dir, cli } = await agency(t);
    const sealed = { age: readFileSync(join(dir, 'e.zip.age')), c4gh: readFileSync(join(dir, 'e.zip.c4gh')) };
    const flip = (bytes: Buffer, at: number) => Buffer.concat([bytes.subarray(0, at), Buffer.from([bytes[at]! ^ 1]), bytes.subarray(at + 1)]);
    const cases: [string, Buffer, string[], RegExp][] = [
      ['e.zip.c4gh', flip(sealed.c4gh, sealed.c4gh.length - 3), ['--passphrase-env', 'PASS'], /is not a valid Crypt4GH file for this key \[DECRYPT_FAILED\][\s\S]*Segment 3 fails its MAC/],
      ['e.zip.age', flip(sealed.age, sealed.age.length - 3), [], /is not a valid age file for this key \[DECRYPT_FAILED\][\s\S]*Chunk 3 fails its MAC/],
      // Cut after its first full chunk: age's last-chunk flag catches a cut at a chunk boundary.
      ['e.zip.age', sealed.age.subarray(0, sealed.age.length - 5 - 16 - 65_536 * 2 - 32), [], /is not a valid age file for this key \[DECRYPT_FAILED\][\s\S]*Chunk 0 fails its MAC/],
      ['e.zip', Buffer.from(readFileSync(join(dir, 'e.zip'), 'latin1').slice(0, -4), 'latin1'), [], /is not a valid Fernet token for this key \[DECRYPT_FAILED\]/],
    ];
    writeFileSync(join(dir, 'out'), 'mine');
    for (const [name, bytes, extra, why] of cases) {
      writeFileSync(join(dir, `bad-${name}`), bytes);
      const run = await cli(['decrypt', '-k', name === 'e.zip' ? 'f.key' : name === 'e.zip.age' ? 'a.id' : 'c.sec', `bad-${name}`, '-o', 'out', '--force', ...extra], PASS);
      assert.equal(run.code, 1, `${name}: ${run.stderr}`);
      assert.match(run.stderr, why);
      assert.match(run.stderr, /Nothing was written to .*out\./);
      assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'mine', `${name}: output untouched`);
      assert.deepEqual(temps(dir), []);
    }
    writeFileSync(join(dir, 'text.zip'), 'PK\x03\x04 not sealed at all');
    const plain = await cli(['decrypt', '-k', 'a.id', 'text.zip', '-o', 'out', '--force']);
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /text\.zip is not an age, Crypt4GH or Fernet file \[DECRYPT_FAILED\]/);
    assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'mine');
  });

  it('options of another scheme with exit 64: --ttl for age, --sender-pk for Fernet', async (t) => {
    const { cli } = await agency(t);
    const ttl = await cli(['decrypt', '-k', 'a.id', 'e.zip.age', '--ttl', '60', '-o', 'x']);
    assert.equal(ttl.code, 64);
    assert.match(ttl.stderr, /--ttl applies to Fernet tokens only, and .*e\.zip\.age is an age file \[USAGE\]/);
    const sender = await cli(['decrypt', '-k', 'f.key', 'e.zip', '--sender-pk', 'c.sec.pub', '-o', 'x']);
    assert.equal(sender.code, 64);
    assert.match(sender.stderr, /--sender-pk applies to Crypt4GH files only/);
  });
});

/**
 * `aktin-sftp decrypt` (the built CLI) refusing what does not open: a key of another scheme
 * than the file's (said before any passphrase is asked), a public key given for the secret one,
 * an altered or truncated file (an existing output stays untouched, no temporary file stays),
 * options that do not apply to the file's scheme; and flat memory for age and Crypt4GH.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { createAgeSealStream, parseAgeRecipient } from '../src/adapters/encryption/age/index.js';
import { createCrypt4ghSealStream, parseCrypt4ghPublicKey } from '../src/adapters/encryption/crypt4gh/index.js';
import { fernetEncrypt, parseFernetKey } from '../src/adapters/encryption/fernet/fernet.js';
import { through } from '../test/support/crypt4gh-vectors.js';
import { tempDir } from '../test/support/temp-dir.js';
import { CLI, runCliProcess } from './support/cli-process.js';

const PLAIN = randomBytes(3 * 65_536 + 5);
const PASS = { PASS: 'agency passphrase' };

/** One folder with a key of each scheme and a file of each scheme sealed for it. */
async function agency(t: { after(fn: () => void): void }) {
  const dir = tempDir('decrypt-refusals', t);
  const cli = (args: string[], env: Record<string, string> = {}) => runCliProcess(args, { cwd: dir, env });
  const fernet = (await cli(['keygen', '-o', 'f.key'])).code;
  const age = await cli(['keygen', '--scheme', 'age', '-o', 'a.id']);
  const c4gh = await cli(['keygen', '--scheme', 'crypt4gh', '-o', 'c.sec', '--passphrase-env', 'PASS'], PASS);
  assert.deepEqual([fernet, age.code, c4gh.code], [0, 0, 0], age.stderr + c4gh.stderr);
  writeFileSync(join(dir, 'e.zip'), fernetEncrypt(parseFernetKey(readFileSync(join(dir, 'f.key'), 'utf8')), PLAIN));
  writeFileSync(join(dir, 'e.zip.age'), await through(createAgeSealStream([parseAgeRecipient(age.stdout, 'r')]), PLAIN));
  writeFileSync(join(dir, 'e.zip.c4gh'), await through(createCrypt4ghSealStream([parseCrypt4ghPublicKey(c4gh.stdout, 'p')]), PLAIN));
  return { dir, cli };
}

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
      ['e.zip.c4gh', flip(sealed.c4gh, sealed.c4gh.length - 3), ['--passphrase-env', 'PASS'], /is not a valid Crypt4GH file for this key \[DECRYPT_REFUSED\][\s\S]*Segment 3 fails its MAC/],
      ['e.zip.age', flip(sealed.age, sealed.age.length - 3), [], /is not a valid age file for this key \[DECRYPT_REFUSED\][\s\S]*Chunk 3 fails its MAC/],
      // Cut after its first full chunk: age's last-chunk flag catches a cut at a chunk boundary.
      ['e.zip.age', sealed.age.subarray(0, sealed.age.length - 5 - 16 - 65_536 * 2 - 32), [], /is not a valid age file for this key \[DECRYPT_REFUSED\][\s\S]*Chunk 0 fails its MAC/],
      ['e.zip', Buffer.from(readFileSync(join(dir, 'e.zip'), 'latin1').slice(0, -4), 'latin1'), [], /is not a valid Fernet token for this key \[DECRYPT_REFUSED\]/],
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
    assert.match(plain.stderr, /text\.zip is not an age, Crypt4GH or Fernet file \[DECRYPT_REFUSED\]/);
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

// Loaded into the child: reports its peak resident memory (KiB) on exit.
const REPORT_RSS = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss="+process.resourceUsage().maxRSS+"\\n"))';

function peakRss(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string; mib: number }> {
  const child = spawn(process.execPath, ['--import', REPORT_RSS, CLI, ...args], { cwd, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, mib: Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? NaN) / 1024 }));
  });
}

describe('aktin-sftp decrypt memory', () => {
  it('stays flat for 96 MiB of age and of Crypt4GH', async (t) => {
    const { dir } = await agency(t);
    const block = randomBytes(1024 * 1024);
    const age = parseAgeRecipient(readFileSync(join(dir, 'a.id'), 'utf8').split('\n')[1]!.replace('# public key: ', ''), 'r');
    const c4gh = parseCrypt4ghPublicKey(readFileSync(join(dir, 'c.sec.pub'), 'utf8'), 'p');
    const big = () => Readable.from((function* () { for (let i = 0; i < 96; i++) yield block; })());
    await pipeline(big(), createAgeSealStream([age]), createWriteStream(join(dir, 'big.age')));
    await pipeline(big(), createCrypt4ghSealStream([c4gh]), createWriteStream(join(dir, 'big.c4gh')));
    for (const [key, file] of [['a.id', 'e.zip.age'], ['c.sec', 'e.zip.c4gh']] as const) {
      const small = await peakRss(['decrypt', '-k', key, file, '-o', `${file}.small`, '--passphrase-env', 'PASS'], dir, PASS);
      const large = await peakRss(['decrypt', '-k', key, file.replace('e.zip', 'big'), '-o', `${file}.big`, '--passphrase-env', 'PASS'], dir, PASS);
      assert.equal(small.code, 0, small.stderr);
      assert.equal(large.code, 0, large.stderr);
      assert.equal(statSync(join(dir, `${file}.big`)).size, 96 * 1024 * 1024);
      assert.ok(readFileSync(join(dir, `${file}.big`)).subarray(40 * 1024 * 1024, 41 * 1024 * 1024).equals(block));
      // Holding the file or the plaintext would add about 96 MiB or more.
      const growth = large.mib - small.mib;
      t.diagnostic(`${file}: peak RSS ${small.mib.toFixed(0)} MiB (small) -> ${large.mib.toFixed(0)} MiB (96 MiB)`);
      assert.ok(growth < 60, `${file}: peak RSS grew by ${growth.toFixed(0)} MiB`);
    }
  });
});

/**
 * `aktin-sftp decrypt` (the built CLI) keeps memory flat for age and Crypt4GH: the peak RSS of
 * opening 96 MiB is about that of opening 200 KB.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { createAgeSealStream, parseAgeRecipient } from '../src/adapters/encryption/age/index.js';
import { createCrypt4ghSealStream, parseCrypt4ghPublicKey } from '../src/adapters/encryption/crypt4gh/index.js';
import { agency, PASS } from './support/agency-keys.js';
import { CLI } from './support/cli-process.js';

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

/**
 * `aktin-sftp keygen` and `aktin-sftp decrypt` through the real command line: key files,
 * exit codes, and what reaches the terminal (no key material except keygen's own stdout).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fernetEncrypt, parseFernetKey } from '../../src/adapters/encryption/fernet/fernet.js';
import { createFernetEncryptStream } from '../../src/adapters/encryption/fernet/stream.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { pythonFernet } from '../support/python-fernet.js';
import { tempDir } from '../support/temp-dir.js';

function io(cwd: string): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, isTTY: false, env: {}, cwd, out: () => out, err: () => err };
}

/** A folder with a key file made by `keygen -o` and an upload encrypted under it. */
async function setup(data: Buffer = randomBytes(70_001)) {
  const dir = tempDir('keygen-decrypt');
  const t = io(dir);
  assert.equal(await runCli(['keygen', '-o', 'rki.key'], t), 0, t.err());
  const keyText = readFileSync(join(dir, 'rki.key'), 'utf8').trim();
  writeFileSync(join(dir, 'export_2.zip'), fernetEncrypt(parseFernetKey(keyText), data));
  return { dir, data, keyText };
}

const notShown = (text: string, keyText: string) => assert.ok(!text.includes(keyText) && !text.includes(keyText.slice(0, 20)), 'key material printed');

describe('aktin-sftp keygen', () => {
  it('prints a new key on stdout when asked without -o, and nothing else there', async () => {
    const t = io(tmpdir());
    assert.equal(await runCli(['keygen'], t), 0);
    assert.match(t.out(), /^[A-Za-z0-9_-]{43}=\n$/);
    assert.equal(t.err(), '');
    const again = io(tmpdir());
    await runCli(['keygen'], again);
    assert.notEqual(again.out(), t.out());
  });

  it('writes a key file with mode 0600 that Python uses, and prints no key', async () => {
    const dir = tempDir('keygen');
    const t = io(dir);
    assert.equal(await runCli(['keygen', '-o', 'rki.key'], t), 0, t.err());
    const path = join(dir, 'rki.key');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const keyText = readFileSync(path, 'utf8');
    assert.match(keyText, /^[A-Za-z0-9_-]{43}=\n$/);
    assert.equal(t.out(), '');
    assert.match(t.err(), new RegExp(`Wrote a new Fernet key to ${path.replace(/\./g, '\\.')} \\(mode 0600\\)`));
    notShown(t.out() + t.err(), keyText.trim());
    writeFileSync(join(dir, 'plain'), 'hi');
    pythonFernet('encrypt', path, join(dir, 'plain'), join(dir, 'token'));
    const d = io(dir);
    assert.equal(await runCli(['decrypt', '-k', 'rki.key', 'token', '-o', 'back'], d), 0, d.err());
    assert.equal(readFileSync(join(dir, 'back'), 'utf8'), 'hi');
  });

  it('refuses to overwrite an existing file: exit 1, file unchanged', async () => {
    const dir = tempDir('keygen');
    writeFileSync(join(dir, 'rki.key'), 'old key');
    const t = io(dir);
    assert.equal(await runCli(['keygen', '-o', 'rki.key'], t), 1);
    assert.match(t.err(), /Cannot create the key file .*rki\.key.*\[FILE_IO\]/);
    assert.match(t.err(), /exists already/);
    assert.equal(readFileSync(join(dir, 'rki.key'), 'utf8'), 'old key');
  });

  it('explains in --help that recipients decrypt with Python', async () => {
    const t = io(tmpdir());
    assert.equal(await runCli(['keygen', '--help'], t), 0);
    assert.match(t.out(), /Share the key with the\s+recipients/);
    assert.ok(t.out().includes("Fernet(open('key','rb').read()).decrypt(open('export_2.zip','rb').read())"));
  });
});

describe('aktin-sftp decrypt', () => {
  it('writes INPUT.decrypted by default: exit 0, identical bytes, mode 0600, no key printed', async () => {
    const { dir, data, keyText } = await setup();
    const t = io(dir);
    assert.equal(await runCli(['decrypt', '-k', 'rki.key', 'export_2.zip'], t), 0, t.err());
    assert.ok(readFileSync(join(dir, 'export_2.zip.decrypted')).equals(data));
    assert.equal(statSync(join(dir, 'export_2.zip.decrypted')).mode & 0o777, 0o600);
    assert.match(t.err(), /Decrypted .*export_2\.zip to .*export_2\.zip\.decrypted \(70001 bytes\)/);
    assert.equal(t.out(), '');
    notShown(t.out() + t.err(), keyText);
  });

  it('writes to -o, and the result equals what Python decrypts', async () => {
    const { dir, data } = await setup();
    const t = io(dir);
    assert.equal(await runCli(['decrypt', '-k', 'rki.key', 'export_2.zip', '-o', 'plain.zip'], t), 0, t.err());
    pythonFernet('decrypt', join(dir, 'rki.key'), join(dir, 'export_2.zip'), join(dir, 'python.zip'));
    assert.ok(readFileSync(join(dir, 'plain.zip')).equals(data));
    assert.ok(readFileSync(join(dir, 'python.zip')).equals(data));
  });

  it('exits 1 on a tampered token, names the file, and leaves nothing behind', async () => {
    const { dir, keyText } = await setup();
    const token = readFileSync(join(dir, 'export_2.zip'), 'utf8');
    writeFileSync(join(dir, 'export_2.zip'), token.slice(0, 300) + (token[300] === 'A' ? 'B' : 'A') + token.slice(301));
    const t = io(dir);
    assert.equal(await runCli(['decrypt', '-k', 'rki.key', 'export_2.zip'], t), 1);
    assert.match(t.err(), /export_2\.zip is not a valid Fernet token for this key \[DECRYPT_FAILED\]/);
    assert.match(t.err(), /HMAC mismatch/);
    assert.deepEqual(readdirSync(dir).sort(), ['export_2.zip', 'rki.key']);
    notShown(t.out() + t.err(), keyText);
  });

  it('exits 1 with the wrong key, and 1 for a missing input', async () => {
    const { dir } = await setup();
    const other = io(dir);
    assert.equal(await runCli(['keygen', '-o', 'other.key'], other), 0);
    const t = io(dir);
    assert.equal(await runCli(['decrypt', '-k', 'other.key', 'export_2.zip'], t), 1);
    assert.match(t.err(), /\[DECRYPT_FAILED\]/);
    const m = io(dir);
    assert.equal(await runCli(['decrypt', '-k', 'rki.key', 'nope.zip'], m), 1);
    assert.match(m.err(), /Cannot read the file .*nope\.zip.*\[FILE_IO\]/);
    assert.deepEqual(readdirSync(dir).sort(), ['export_2.zip', 'other.key', 'rki.key']);
  });

  it('keeps an existing output unless --force', async () => {
    const { dir, data } = await setup();
    writeFileSync(join(dir, 'export_2.zip.decrypted'), 'mine');
    const t = io(dir);
    assert.equal(await runCli(['decrypt', '-k', 'rki.key', 'export_2.zip'], t), 1);
    assert.match(t.err(), /exists already.*\[FILE_IO\][\s\S]*--force/);
    assert.equal(readFileSync(join(dir, 'export_2.zip.decrypted'), 'utf8'), 'mine');
    const f = io(dir);
    assert.equal(await runCli(['decrypt', '-k', 'rki.key', 'export_2.zip', '--force'], f), 0, f.err());
    assert.ok(readFileSync(join(dir, 'export_2.zip.decrypted')).equals(data));
  });

  it('applies --ttl: an old token is refused with it and accepted without', async () => {
    const dir = tempDir('decrypt-ttl');
    await runCli(['keygen', '-o', 'k'], io(dir));
    const key = parseFernetKey(readFileSync(join(dir, 'k'), 'utf8'));
    writeFileSync(join(dir, 'old'), fernetEncrypt(key, Buffer.from('x'), { now: Math.floor(Date.now() / 1000) - 7200 }));
    const t = io(dir);
    assert.equal(await runCli(['decrypt', '-k', 'k', 'old', '--ttl', '3600'], t), 1);
    assert.match(t.err(), /expired/);
    assert.equal(await runCli(['decrypt', '-k', 'k', 'old', '--ttl', '9000'], io(dir)), 0);
    assert.equal(readFileSync(join(dir, 'old.decrypted'), 'utf8'), 'x');
  });

  it('warns about a key file others can read, and names a bad key file without its content', async () => {
    const { dir, keyText } = await setup(Buffer.from('x'));
    chmodSync(join(dir, 'rki.key'), 0o644);
    const t = io(dir);
    assert.equal(await runCli(['decrypt', '-k', 'rki.key', 'export_2.zip'], t), 0, t.err());
    assert.match(t.err(), /Warning: .*chmod 600/);
    writeFileSync(join(dir, 'bad.key'), keyText.slice(0, 43));
    const b = io(dir);
    assert.equal(await runCli(['decrypt', '-k', 'bad.key', 'export_2.zip', '-o', 'x'], b), 1);
    assert.match(b.err(), /bad\.key is not a Fernet key \[KEY_INVALID\]/);
    notShown(b.out() + b.err(), keyText);
  });

  it('refuses usage errors with exit 64: no key option, output equal to input, a bad --ttl', async () => {
    const { dir } = await setup(Buffer.from('x'));
    const cases: [string[], RegExp][] = [
      [['decrypt', 'export_2.zip'], /needs the key file: -k KEYFILE/],
      [['decrypt', '-k', 'rki.key', 'export_2.zip', '-o', 'export_2.zip', '--force'], /-o .*export_2\.zip is the input file .*export_2\.zip/],
      [['decrypt', '-k', 'rki.key', 'export_2.zip', '--ttl', '1.5'], /--ttl must be a whole number of seconds, got 1\.5/],
      [['decrypt', '-k', 'rki.key'], /decrypt needs the file to decrypt: aktin-sftp decrypt INPUT/],
    ];
    for (const [argv, why] of cases) {
      const t = io(dir);
      assert.equal(await runCli(argv, t), 64, `${argv.join(' ')}: ${t.err()}`);
      assert.match(t.err(), why);
    }
    assert.equal(readFileSync(join(dir, 'export_2.zip'), 'utf8').length, 100);
  });
});

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
// Loaded into the child: reports its peak resident memory (KiB) on exit.
const REPORT_RSS = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss="+process.resourceUsage().maxRSS+"\\n"))';

function spawnCli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string; maxRssMiB: number }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--import', REPORT_RSS, MAIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, maxRssMiB: Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? NaN) / 1024 }));
  });
}

describe('aktin-sftp keygen and decrypt as a process', () => {
  it('exit codes reach the shell, and decrypting a 128 MiB token keeps memory flat', async () => {
    const dir = tempDir('decrypt-process');
    const keygen = await spawnCli(['keygen'], dir);
    assert.equal(keygen.code, 0, keygen.stderr);
    writeFileSync(join(dir, 'rki.key'), keygen.stdout, { mode: 0o600 });
    const key = parseFernetKey(keygen.stdout);
    writeFileSync(join(dir, 'small'), fernetEncrypt(key, Buffer.from('x')));
    const block = randomBytes(1024 * 1024);
    const big = 96;
    await pipeline(Readable.from((function* () { for (let i = 0; i < big; i++) yield block; })()), createFernetEncryptStream(key), createWriteStream(join(dir, 'big')));

    const small = await spawnCli(['decrypt', '-k', 'rki.key', 'small'], dir);
    assert.equal(small.code, 0, small.stderr);
    const large = await spawnCli(['decrypt', '-k', 'rki.key', 'big'], dir);
    assert.equal(large.code, 0, large.stderr);
    assert.equal(statSync(join(dir, 'big.decrypted')).size, big * 1024 * 1024);
    assert.ok(readFileSync(join(dir, 'big.decrypted')).subarray(5 * 1024 * 1024, 6 * 1024 * 1024).equals(block));
    // Flat means a fixed overhead (about 50 MiB of not yet collected chunks, the same for 1 GiB);
    // holding the token (128 MiB) and the plaintext (96 MiB) would add over 200 MiB.
    const growth = large.maxRssMiB - small.maxRssMiB;
    assert.ok(growth < 90, `peak RSS grew by ${growth.toFixed(0)} MiB (${small.maxRssMiB.toFixed(0)} -> ${large.maxRssMiB.toFixed(0)} MiB)`);

    writeFileSync(join(dir, 'bad'), readFileSync(join(dir, 'small'), 'utf8').replace(/^gAAAAA/, 'gAAAAB'));
    const bad = await spawnCli(['decrypt', '-k', 'rki.key', 'bad'], dir);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /bad is not an age, Crypt4GH or Fernet file \[DECRYPT_FAILED\]/);
    assert.ok(!bad.stderr.includes(keygen.stdout.trim()));
    assert.ok(!readdirSync(dir).includes('bad.decrypted'));
  });
});

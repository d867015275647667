/**
 * The passphrase prompt on a real terminal: the built CLI runs under `script` (a pseudo-terminal),
 * and each answer is typed only once its prompt has appeared. keygen asks twice and refuses two
 * different answers; decrypt asks once; no typed character is echoed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createCrypt4ghSealStream, parseCrypt4ghPublicKey } from '../src/adapters/encryption/crypt4gh/index.js';
import { through } from '../test/support/crypt4gh-vectors.js';
import { tempDir } from '../test/support/temp-dir.js';
import { CLI, runCliProcess } from './support/cli-process.js';
import { eventually } from './support/eventually.js';

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Runs the CLI on a pseudo-terminal, typing each answer after the prompt it belongs to appeared. */
async function onTerminal(args: string[], cwd: string, answers: [RegExp, string][]): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, CLI, ...args].map((word) => `'${word.replace(/'/g, "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  child.stdout.on('data', (d: Buffer) => (screen += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  let seen = 0;
  for (const [prompt, answer] of answers) {
    await eventually(`the prompt ${prompt}`, () => (prompt.test(screen.slice(seen)) ? true : undefined), 60_000);
    seen = screen.length;
    child.stdin.write(`${answer}\r`);
  }
  const code = await closed;
  return { code, screen };
}

describe('the passphrase prompt', { skip: !hasScript && 'script (util-linux) is not installed' }, () => {
  it('keygen asks twice without echo, decrypt once; two different answers write nothing', async (t) => {
    const dir = tempDir('passphrase-prompt', t);
    const secret = 'typed at the prompt';
    const made = await onTerminal(['keygen', '--scheme', 'crypt4gh', '-o', 'rki.c4gh'], dir, [
      [/Passphrase for the new key .*rki\.c4gh: /, secret],
      [/Repeat the passphrase: /, secret],
    ]);
    assert.equal(made.code, 0, made.screen);
    assert.ok(!made.screen.includes(secret), 'the passphrase is not echoed');
    const publicKey = readFileSync(join(dir, 'rki.c4gh.pub'), 'utf8');
    writeFileSync(join(dir, 'e.c4gh'), await through(createCrypt4ghSealStream([parseCrypt4ghPublicKey(publicKey, 'p')]), Buffer.from('bundle')));

    const opened = await onTerminal(['decrypt', '-k', 'rki.c4gh', 'e.c4gh', '-o', 'out'], dir, [[/Passphrase for the key .*rki\.c4gh: /, secret]]);
    assert.equal(opened.code, 0, opened.screen);
    assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'bundle');
    assert.ok(!opened.screen.includes(secret));
    const byEnv = await runCliProcess(['decrypt', '-k', 'rki.c4gh', 'e.c4gh', '-o', 'out2', '--passphrase-env', 'P'], { cwd: dir, env: { P: secret } });
    assert.equal(byEnv.code, 0, byEnv.stderr);

    const differ = await onTerminal(['keygen', '--scheme', 'crypt4gh', '-o', 'other.c4gh'], dir, [
      [/Passphrase for the new key/, 'one'],
      [/Repeat the passphrase: /, 'two'],
    ]);
    assert.equal(differ.code, 64, differ.screen);
    assert.match(differ.screen, /The two passphrases differ \[USAGE\]/);
    assert.equal(existsSync(join(dir, 'other.c4gh')), false);
  });
});

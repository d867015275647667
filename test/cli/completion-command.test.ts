/**
 * `aktin-sftp completion`: the script it prints is valid shell, and completing works, end to
 * end: bash runs the script's function, which asks the real CLI (--get-yargs-completions).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { tempDir } from '../support/temp-dir.js';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const SUBCOMMANDS = ['plan', 'apply', 'show', 'drift', 'validate', 'keygen', 'decrypt', 'force-unlock', 'watch', 'ledger', 'completion'];

async function run(args: string[], env: Record<string, string> = {}, cwd = '/'): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, isTTY: false, env, cwd };
  const code = await runCli(args, io);
  return { code, out, err };
}

function hasShell(name: string): boolean {
  return spawnSync(name, ['-c', 'exit 0']).status === 0;
}

describe('aktin-sftp completion', () => {
  it('prints a bash script by default that asks aktin-sftp for completions, and bash -n accepts it', async () => {
    const { code, out, err } = await run(['completion']);
    assert.equal(code, 0, err);
    assert.match(out, /aktin-sftp --get-yargs-completions/);
    assert.match(out, /^complete .* aktin-sftp$/m);
    const check = spawnSync('bash', ['-n'], { input: out, encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
  });

  it('prints the zsh script when asked, or when $SHELL is zsh', async (t) => {
    const asked = await run(['completion', 'zsh']);
    const bySHELL = await run(['completion'], { SHELL: '/usr/bin/zsh' });
    assert.equal(asked.code, 0);
    assert.equal(bySHELL.out, asked.out);
    assert.match(asked.out, /^#compdef aktin-sftp$/m);
    assert.match(asked.out, /compdef _aktin_sftp_completions aktin-sftp/);
    assert.match(asked.out, /aktin-sftp --get-yargs-completions/);
    if (!hasShell('zsh')) return t.skip('no zsh on this machine to check the syntax');
    const check = spawnSync('zsh', ['-n'], { input: asked.out, encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
  });

  it('refuses a shell it has no script for with exit 64', async () => {
    const { code, out, err } = await run(['completion', 'fish']);
    assert.equal(code, 64);
    assert.equal(out, '');
    assert.match(err, /Choices: "bash", "zsh"/);
  });

  it('--get-yargs-completions answers every subcommand for an empty word', async () => {
    const { code, out, err } = await run(['--get-yargs-completions', 'aktin-sftp', '']);
    assert.equal(code, 0, err);
    assert.deepEqual(out.trim().split('\n'), SUBCOMMANDS);
  });

  it('answers the options of a command, and runs none: apply --auto-approve stays a completion request', async (t) => {
    const dir = tempDir('completion', t);
    // No configuration here: had apply run, it would have failed with exit 64.
    const { code, out, err } = await run(['--get-yargs-completions', 'aktin-sftp', 'apply', '--auto-approve', '--'], {}, dir);
    assert.equal(code, 0, err);
    assert.equal(err, '');
    const words = out.trim().split('\n');
    for (const w of ['--dry-run', '--max-delete', '--metrics-file', '--config']) assert.ok(words.includes(w), `${w} in ${words.join(' ')}`);
    assert.ok(!words.includes('--auto-approve'), 'an option given already is not offered again');
  });

  it('answers the values of an option with choices', async () => {
    const { out } = await run(['--get-yargs-completions', 'aktin-sftp', 'show', '--format', '']);
    assert.deepEqual(out.trim().split('\n'), ['human', 'json', 'markdown']);
  });

  it('does not offer --config to keygen', async () => {
    const { out } = await run(['--get-yargs-completions', 'aktin-sftp', 'keygen', '-']);
    const words = out.trim().split('\n');
    assert.ok(words.includes('--output'));
    assert.ok(!words.includes('--config') && !words.includes('-c'), words.join(' '));
  });

  it('completes in bash through the script and the real program', async (t) => {
    const dir = tempDir('completion-bash', t);
    const bin = join(dir, 'aktin-sftp');
    writeFileSync(bin, `#!/bin/sh\nexec '${process.execPath}' --import '${import.meta.resolve('tsx')}' '${MAIN}' "$@"\n`);
    chmodSync(bin, 0o755);
    writeFileSync(join(dir, 'completion.bash'), (await run(['completion', 'bash'])).out);
    // Each line: the words typed so far, the word being completed last.
    const complete = (words: string[]) => {
      const script = `source ./completion.bash; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _aktin_sftp_completions; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const r = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8', env: { PATH: `${dir}:${process.env.PATH ?? ''}`, HOME: dir } });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split('\n').filter((l) => l !== '');
    };
    assert.deepEqual(complete(['aktin-sftp', 'pl']), ['plan']);
    assert.deepEqual(complete(['aktin-sftp', 'apply', '--auto']), ['--auto-approve']);
    assert.deepEqual(complete(['aktin-sftp', 'show', '--format', 'm']), ['markdown']);
    assert.deepEqual(complete(['aktin-sftp', '-c', '']), [], 'a file name: left to bash\'s own file completion');
  });
});

/**
 * Every command's --help, for every command the program lists (a new command is in this test
 * the moment it is added): it shows examples, and commands that read no configuration do not
 * offer --config.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, isTTY: false, env: {}, cwd: '/' };
  const code = await runCli(args, io);
  return { code, out, err };
}

/** The command names in the top-level --help's "Commands:" section. */
async function listedCommands(): Promise<string[]> {
  const { code, out } = await run(['--help']);
  assert.equal(code, 0);
  const section = /^Commands:\n([\s\S]*?)\n\n/m.exec(out)?.[1] ?? '';
  return [...section.matchAll(/^ {2}aktin-sftp (\S+)/gm)].map((m) => m[1]!);
}

describe('--help of every command', async () => {
  const commands = await listedCommands();

  it('lists all commands, completion among them', () => {
    assert.deepEqual(commands, ['plan', 'apply', 'show', 'drift', 'validate', 'keygen', 'decrypt', 'force-unlock', 'watch', 'ledger', 'completion']);
  });

  for (const command of commands) {
    it(`${command} --help shows examples of ${command}`, async () => {
      const { code, out, err } = await run([command, '--help']);
      assert.equal(code, 0, err);
      const examples = /^Examples:\n([\s\S]*?)(?:\n\n|$)/m.exec(out)?.[1];
      assert.ok(examples, `an Examples: section in\n${out}`);
      assert.match(examples, new RegExp(`^ {2}aktin-sftp ${command}\\b`, 'm'));
    });
  }

  for (const command of ['keygen', 'decrypt', 'completion']) {
    it(`${command} --help offers no configuration file and no plan safety options`, async () => {
      const { code, out } = await run([command, '--help']);
      assert.equal(code, 0);
      assert.doesNotMatch(out, /--config|-c,/);
      assert.doesNotMatch(out, /--max-delete|--allow-mass-delete|--prune-orphans|--only/);
      assert.match(out, /--color/, 'the global options that do matter stay');
    });
  }

  it('plan --help still offers --config', async () => {
    assert.match((await run(['plan', '--help'])).out, /-c, --config/);
  });

  it('keygen still accepts a -c that scripts pass to every command', async () => {
    const { code, out } = await run(['keygen', '-c', 'settings.toml']);
    assert.equal(code, 0);
    assert.match(out, /^[A-Za-z0-9_-]{43}=\n$/);
  });
});

/**
 * `--help` of the program and of every command fits an 80-column terminal: examples, options and
 * their descriptions included (a newcomer copies the examples; a wrapped one is no longer one line).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';

async function help(args: string[]): Promise<string> {
  let out = '';
  const io: CliIo = { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => undefined }, isTTY: false, env: {}, cwd: '/' };
  assert.equal(await runCli([...args, '--help'], io), 0, `aktin-sftp ${args.join(' ')} --help`);
  return out;
}

describe('--help fits 80 columns', () => {
  it('for the program and every command', async () => {
    const commands = [...(await help([])).matchAll(/^ {2}aktin-sftp (\S+)/gm)].map((m) => m[1]!);
    assert.ok(commands.length >= 8, commands.join(' '));
    const wide: string[] = [];
    for (const args of [[], ...commands.map((c) => [c])]) {
      for (const line of (await help(args)).split('\n')) if ([...line].length > 80) wide.push(`aktin-sftp ${args.join(' ')} --help: ${[...line].length} columns: ${line}`);
    }
    assert.deepEqual(wide, []);
  });
});

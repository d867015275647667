/**
 * For the recipe tests: reads docs/recipes/, parses YAML strictly, finds the `aktin-sftp …`
 * calls in shell text and checks each against the real CLI's `--help` (the command exists, every
 * option it passes is listed).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const RECIPES = join(ROOT, 'docs', 'recipes');
export const readRecipe = (name: string): string => readFileSync(join(RECIPES, name), 'utf8');

/**
 * Options the recipes use that the lead wires into the CLI as part of issue 11 (the renderers
 * exist: src/cli/render-metrics.ts, src/adapters/files/metrics-file.ts). A check fails once `--help`
 * lists one of them, so that it is taken off this list.
 */
const PENDING_OPTIONS: Record<string, string[]> = {};

export function readYaml(name: string): any {
  const doc = parseDocument(readRecipe(name), { uniqueKeys: true, strict: true, prettyErrors: true });
  assert.deepEqual([...doc.errors, ...doc.warnings].map((e) => e.message), [], `${name} is not clean YAML`);
  return doc.toJS();
}

async function help(args: string[]): Promise<string> {
  let out = '';
  const io: CliIo = { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => undefined }, isTTY: false, env: {}, cwd: ROOT };
  assert.equal(await runCli([...args, '--help'], io), 0, `aktin-sftp ${args.join(' ')} --help`);
  return out;
}

/** Each `aktin-sftp …` call in a shell text, as words up to the first shell operator. */
export function invocations(shell: string): string[][] {
  const calls: string[][] = [];
  for (const match of shell.matchAll(/(?:^|[\s;&|(`])(?:\S*\/)?aktin-sftp(?=[ \t]+[a-z-])((?:[ \t]+(?!\|\||&&|>>?|\||;|2>)[^\s;|&>]+)*)/gm)) {
    calls.push(match[1]!.trim().split(/[ \t]+/).filter(Boolean));
  }
  return calls;
}

/** The command exists and `--help` lists each option the call passes. */
export async function checkCall(words: string[], where: string): Promise<void> {
  const [command, ...rest] = words;
  assert.ok(command && !command.startsWith('-'), `${where}: aktin-sftp without a command`);
  const commands = [...(await help([])).matchAll(/^ {2}aktin-sftp (\S+)/gm)].map((m) => m[1]);
  assert.ok(commands.includes(command), `${where}: no command "${command}" (there are ${commands.join(', ')})`);
  const text = await help([command]);
  for (const word of rest.filter((w) => w.startsWith('-'))) {
    const option = word.split('=')[0]!;
    const listed = option.startsWith('--') ? text.includes(`${option} `) || text.includes(`${option}\n`) : new RegExp(`^\\s+${option},`, 'm').test(text);
    if ((PENDING_OPTIONS[command] ?? []).includes(option)) {
      assert.ok(!listed, `${option} is now in \`aktin-sftp ${command} --help\`: take it off PENDING_OPTIONS in test/support/recipe-calls.ts`);
      continue;
    }
    assert.ok(listed, `${where}: \`aktin-sftp ${command} --help\` lists no ${option}`);
  }
}

/** Every call in the text passes checkCall; there are at least `atLeast`. */
export async function checkAllCalls(shell: string, where: string, atLeast: number): Promise<string[][]> {
  const calls = invocations(shell);
  assert.ok(calls.length >= atLeast, `${where}: expected at least ${atLeast} aktin-sftp calls, found ${calls.length}`);
  for (const call of calls) await checkCall(call, `${where}: aktin-sftp ${call.join(' ')}`);
  return calls;
}

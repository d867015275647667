/**
 * Problems as people read them (and as JSON for machines). Only whitelisted fields are shown.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Problem } from '../core/problem.js';
import { colorLevel, type ColorChoice } from './color.js';
import type { CliIo } from './io.js';

/** The chalk for output to `io`, as `--color` and the environment say; no default, so no output colours by itself. */
export function chalkFor(io: CliIo, color: ColorChoice): ChalkInstance {
  return new Chalk({ level: colorLevel(color, io.env, io.isTTY) });
}

export function renderProblems(problems: readonly Problem[], chalk: ChalkInstance): string {
  return problems
    .map((p) => {
      const lines = [`${chalk.red.bold('Error:')} ${chalk.bold(p.title)} ${chalk.dim(`[${p.code}]`)}`];
      if (p.detail) lines.push('', indent(p.detail));
      if (p.hint) lines.push('', indent(p.hint));
      return lines.join('\n') + '\n';
    })
    .join('\n');
}

export function problemsToJson(problems: readonly Problem[]): object {
  return {
    problems: problems.map(({ code, title, detail, hint }) => ({ code, title, detail: detail ?? null, hint: hint ?? null })),
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}

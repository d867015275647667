/**
 * Problems as people read them (and as JSON for machines). Only whitelisted fields are shown.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Problem } from '../core/problem.js';
import type { CliIo } from './io.js';

export function chalkFor(io: CliIo, noColor = false): ChalkInstance {
  const disabled = noColor || !io.isTTY || io.env.NO_COLOR !== undefined;
  return new Chalk({ level: disabled ? 0 : 1 });
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

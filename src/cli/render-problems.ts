/**
 * Problems as people read them (and as JSON for machines). Only whitelisted fields are shown.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Problem } from '../core/problem.js';
import { shownText } from '../core/shown-value.js';
import { colorLevel, type ColorChoice } from './color.js';
import type { CliIo } from './io.js';

/** The chalk for output to `io`, as `--color` and the environment say; no default, so no output colours by itself. */
export function chalkFor(io: CliIo, color: ColorChoice): ChalkInstance {
  return new Chalk({ level: colorLevel(color, io.env, io.isTTY) });
}

/**
 * A problem as it may be printed: control characters escaped and long words cut in every field
 * (core/shown-value.ts), whatever path or value the message embeds.
 */
export function printable(p: Problem): Problem {
  return {
    code: p.code,
    title: shownText(p.title),
    ...(p.detail === undefined ? {} : { detail: shownText(p.detail, { lines: true }) }),
    ...(p.hint === undefined ? {} : { hint: shownText(p.hint, { lines: true }) }),
  };
}

export function renderProblems(problems: readonly Problem[], chalk: ChalkInstance): string {
  return problems
    .map(printable)
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
    problems: problems.map(printable).map(({ code, title, detail, hint }) => ({ code, title, detail: detail ?? null, hint: hint ?? null })),
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}

/**
 * Whether output is coloured: `--color auto|always|never` (`--no-color` is `never`) and, for
 * `auto`, the conventions other tools follow. FORCE_COLOR wins over NO_COLOR, as in Node itself:
 * it is the more specific request (a CI log viewer that renders colours). NO_COLOR counts only
 * when non-empty (no-color.org). TERM=dumb and a stdout that is not a terminal mean no colour.
 */
import { repeatedOption, type OptionRead } from '../core/option-values.js';
import { problem } from '../core/problem.js';

export const COLOR_CHOICES = ['auto', 'always', 'never'] as const;
export type ColorChoice = (typeof COLOR_CHOICES)[number];

/** Chalk's levels: 0 none, 1 16 colours, 2 256, 3 truecolour. */
export type ColorLevel = 0 | 1 | 2 | 3;

export function colorLevel(choice: ColorChoice, env: Readonly<Record<string, string | undefined>>, isTTY: boolean): ColorLevel {
  if (choice === 'never') return 0;
  const forced = forceColor(env.FORCE_COLOR);
  if (choice === 'always') return forced || 1;
  if (forced !== undefined) return forced;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (env.TERM === 'dumb' || !isTTY) return 0;
  return 1;
}

/** Node's reading of FORCE_COLOR: '', 1, true: 16 colours; 2: 256; 3: truecolour; 0, false: none. */
function forceColor(value: string | undefined): ColorLevel | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === '0' || v === 'false') return 0;
  if (v === '2') return 2;
  if (v === '3') return 3;
  return 1;
}

/**
 * The `--color` value as yargs hands it over: `--no-color` arrives as false; a bare `--color`
 * is `auto`, what the former boolean `--color` meant. Anything else is a usage error.
 */
export function readColorOption(value: unknown): OptionRead {
  if (value === false) return { ok: true, value: 'never' };
  if (value === true || value === '') return { ok: true, value: 'auto' };
  if (typeof value === 'string' && (COLOR_CHOICES as readonly string[]).includes(value)) return { ok: true, value };
  if (Array.isArray(value)) return { ok: false, problem: repeatedOption('--color', value.length) };
  return {
    ok: false,
    problem: problem(
      'USAGE',
      `--color must be auto, always or never, got ${JSON.stringify(String(value))}`,
      'auto colours a terminal unless NO_COLOR is set or TERM=dumb; FORCE_COLOR forces colour.',
      'Write --color never (or --no-color) to turn colour off.',
    ),
  };
}

/**
 * Command-line values that stand for a configuration key (`--max-delete` for
 * `[APPLY] MAX_DELETE`) are read by exactly the rule of that key, so `abc`, `-1` or `0.5` are
 * refused on the command line as in the file, instead of becoming NaN and lifting the cap.
 * Pure; the CLI turns a problem into exit 64 before anything runs.
 */
import { CONFIG_KEYS, keyLabel } from './config-keys.js';
import { readValue } from './config-values.js';
import { problem, type Problem } from './problem.js';

export type OptionRead = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: Problem };

/**
 * `option` as the user writes it (`--max-delete`), `key` the config key it overrides
 * (`APPLY.MAX_DELETE`), `raw` what the parser gave: a string, or an array when repeated.
 */
export function readOptionValue(option: string, key: string, raw: unknown, placeholder = 'VALUE'): OptionRead {
  const k = CONFIG_KEYS.find((c) => `${c.scope}.${c.key}` === key);
  if (!k) throw new Error(`no configuration key ${key}`); // a programming error, not an input
  if (Array.isArray(raw)) return { ok: false, problem: repeatedOption(option, raw.length) };
  if (raw === undefined || raw === '' || raw === true) {
    return { ok: false, problem: problem('USAGE', `${option} needs a value: ${option} ${placeholder}`, `It overrides ${keyLabel(k)} of the configuration.`) };
  }
  const read = readValue(k.kind, typeof raw === 'number' ? String(raw) : raw);
  if (read.ok) return read;
  const shown = typeof raw === 'string' ? JSON.stringify(raw) : String(raw);
  return {
    ok: false,
    problem: problem(
      'USAGE',
      read.reason ? `${option} ${read.reason}` : `${option} must be ${read.expected}, got ${shown}`,
      `The same rule as for ${keyLabel(k)} in the configuration.`,
      `Write e.g. ${option} ${k.example.replace(/^"|"$/g, '')}.`,
    ),
  };
}

export function repeatedOption(option: string, times: number): Problem {
  return problem('USAGE', `${option} is given ${times} times; give it once`, 'Which of the values was meant cannot be told, so none is used.');
}

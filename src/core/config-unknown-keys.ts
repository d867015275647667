/**
 * Keys and tables the configuration does not know are errors (CONFIG_INVALID), with a "did you
 * mean" for likely typos: the original ignored them silently, so `[APPLY] MAX_DELTE = 0` or an
 * `[APLY]` table turned the deletion cap off with no more than a warning line that no one reads
 * in a cron job's output. The same rule as for a misspelt AKTIN_SFTP_* variable. The original's
 * one retired table, `[SMTP]` (its e-mail notifier), is still accepted and ignored with a
 * warning, so its old settings files keep working. Pure.
 */
import { CONFIG_KEYS, CONFIG_SCOPES } from './config-keys.js';
import { closest } from './did-you-mean.js';
import { problem, type Problem } from './problem.js';
import { escapeControlCharacters } from './shown-value.js';

const TOP_LEVEL = [...CONFIG_SCOPES, 'REQUESTS_CA_BUNDLE'];

export function unknownKeyProblems(values: Readonly<Record<string, unknown>>, path: string, file: string): { problems: Problem[]; warnings: string[] } {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const unknown = (title: string, hint: string) =>
    problems.push(problem('CONFIG_INVALID', title, `File: ${path}\nA misspelt name would silently lose its setting (a deletion cap among them), so names the configuration does not know are refused.`, hint));
  for (const [rawName, value] of Object.entries(values)) {
    const name = printable(rawName);
    if (name === 'SMTP') {
      warnings.push(`\`SMTP\` in ${file} is ignored: the original tool's e-mail notifier settings are no longer used.`);
      continue;
    }
    if (!TOP_LEVEL.includes(name)) {
      unknown(`\`${name}\` in ${file} is not a known table or key${suggest(name, TOP_LEVEL)}`, `Correct the name or remove it. The tables are ${CONFIG_SCOPES.map((s) => `[${s}]`).join(', ')}; the only top-level key is REQUESTS_CA_BUNDLE.`);
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) continue;
    const known = CONFIG_KEYS.filter((k) => k.scope === name).map((k) => k.key);
    for (const inner of Object.keys(value).map(printable)) {
      if (known.includes(inner)) continue;
      if (inner === 'REQUESTS_CA_BUNDLE') {
        unknown(`\`[${name}] REQUESTS_CA_BUNDLE\` in ${file} has no effect inside a table`, 'Move REQUESTS_CA_BUNDLE to the top of the file, before the first [table] (the original ignored it there too).');
      } else {
        unknown(`\`[${name}] ${inner}\` in ${file} is not a known key${suggest(inner, known)}`, `Correct the name or remove it. The keys of [${name}] are ${known.join(', ')}.`);
      }
    }
  }
  return { problems, warnings };
}

/** A quoted TOML key may hold anything, an escape sequence too: shown escaped, never raw. */
function printable(name: string): string {
  return escapeControlCharacters(name);
}

function suggest(name: string, candidates: string[]): string {
  const upper = name.toUpperCase();
  const close = closest(upper, candidates) ?? candidates.find((c) => upper.length > c.length && upper.startsWith(c));
  return close ? ` (did you mean ${close}?)` : '';
}

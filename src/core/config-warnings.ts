/**
 * Warnings about keys the configuration does not know: the original ignored them silently, so
 * they stay warnings, with a "did you mean" for likely typos. Pure.
 */
import { CONFIG_KEYS, CONFIG_SCOPES, envName, keyLabel } from './config-keys.js';
import { closest } from './did-you-mean.js';
import { escapeControlCharacters } from './shown-value.js';

const TOP_LEVEL = new Set<string>([...CONFIG_SCOPES, 'REQUESTS_CA_BUNDLE']);

export function unknownKeyWarnings(values: Readonly<Record<string, unknown>>, file: string): string[] {
  const warnings: string[] = [];
  for (const [rawName, value] of Object.entries(values)) {
    const name = printable(rawName);
    if (name === 'SMTP') {
      warnings.push(`\`SMTP\` in ${file} is ignored: the original tool's e-mail notifier settings are no longer used.`);
      continue;
    }
    if (!TOP_LEVEL.has(name)) {
      warnings.push(`\`${name}\` in ${file} is not a known key or table and is ignored${suggest(name, [...TOP_LEVEL])}.`);
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) continue;
    const known = CONFIG_KEYS.filter((k) => k.scope === name).map((k) => k.key);
    for (const inner of Object.keys(value).map(printable)) {
      if (known.includes(inner)) continue;
      warnings.push(
        inner === 'REQUESTS_CA_BUNDLE'
          ? `\`[${name}] REQUESTS_CA_BUNDLE\` in ${file} is ignored: REQUESTS_CA_BUNDLE must stand at the top of the file, before the first [table].`
          : `\`[${name}] ${inner}\` in ${file} is not a known key and is ignored${suggest(inner, known)}.`,
      );
    }
  }
  return warnings;
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

/**
 * The same warning the key file gets: a config file that holds a secret (password, API key,
 * passphrase) and that group or others may read or write. `mode` is the file's st_mode.
 */
export function exposedSecretsWarning(path: string, mode: number, values: Readonly<Record<string, unknown>>): string | undefined {
  if ((mode & 0o077) === 0) return undefined;
  const held = CONFIG_KEYS.filter((k) => {
    if (k.kind !== 'secret') return false;
    const table = k.scope === null ? values : values[k.scope];
    const value = typeof table === 'object' && table !== null ? (table as Record<string, unknown>)[k.key] : undefined;
    return value !== undefined && value !== '';
  });
  if (held.length === 0) return undefined;
  const names = held.map((k) => `\`${keyLabel(k)}\``);
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  return (
    `The config file ${path} holds ${list} and can be read or written by group or others (mode ${(mode & 0o777).toString(8)}); ` +
    `run 'chmod 600 ${path}', or keep the secret in a file of its own named by ${envName(held[0]!)}_FILE.`
  );
}

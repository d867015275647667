/**
 * Warnings about keys the configuration does not know: the original ignored them silently, so
 * they stay warnings, with a "did you mean" for likely typos. Pure.
 */
import { CONFIG_KEYS, CONFIG_SCOPES } from './config-keys.js';

const TOP_LEVEL = new Set<string>([...CONFIG_SCOPES, 'REQUESTS_CA_BUNDLE']);

export function unknownKeyWarnings(values: Readonly<Record<string, unknown>>, file: string): string[] {
  const warnings: string[] = [];
  for (const [name, value] of Object.entries(values)) {
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
    for (const inner of Object.keys(value)) {
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

function suggest(name: string, candidates: string[]): string {
  const upper = name.toUpperCase();
  const close = candidates.find((c) => distance(c, upper) <= 2 || (upper.length > c.length && upper.startsWith(c)));
  return close ? ` (did you mean ${close}?)` : '';
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length]!;
}

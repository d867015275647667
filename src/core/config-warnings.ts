/**
 * The warning about a config file that holds secrets and that others may read. Pure.
 */
import { CONFIG_KEYS, envName, keyLabel } from './config-keys.js';

/**
 * The same warning the key file gets, for a config file that holds a secret (password, API
 * key, passphrase): `exposure` says whether, and to whom, the file is exposed
 * (core/secret-exposure.ts, given the subject); the warning adds the way out of keeping the
 * secret in the file at all.
 */
export function exposedSecretsWarning(path: string, values: Readonly<Record<string, unknown>>, exposure: (subject: string) => string | undefined): string | undefined {
  const held = CONFIG_KEYS.filter((k) => {
    if (k.kind !== 'secret') return false;
    const table = k.scope === null ? values : values[k.scope];
    const value = typeof table === 'object' && table !== null ? (table as Record<string, unknown>)[k.key] : undefined;
    return value !== undefined && value !== '';
  });
  if (held.length === 0) return undefined;
  const names = held.map((k) => `\`${keyLabel(k)}\``);
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  const warning = exposure(`The config file ${path} holds ${list} and`);
  return warning === undefined ? undefined : `${warning.replace(/\.$/, '')}; or keep the secret in a file of its own named by ${envName(held[0]!)}_FILE.`;
}

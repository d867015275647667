/**
 * Environment overrides of configuration values: `AKTIN_SFTP_<SCOPE>_<KEY>` replaces the file's
 * value, `AKTIN_SFTP_<SCOPE>_<KEY>_FILE` reads it from a file (trailing newlines trimmed), so CI
 * and containers never keep a password in a committed file. List keys take comma-separated
 * values. An empty variable counts as unset. A prefixed variable that sets no key is an error
 * (see core/config-env-names.ts). Never reports a value it read.
 */
import { stat } from 'node:fs/promises';
import { unknownVariableProblems } from '../../core/config-env-names.js';
import { CONFIG_KEYS, dottedName, envName, keyLabel } from '../../core/config-keys.js';
import { problem, type Problem } from '../../core/problem.js';
import { FileTooLargeError, formatLimit, readFileCapped, secretFileWarning } from '../files/index.js';

/** A secret is a password, a key or a passphrase: the key file's cap is ample, and /dev/zero costs nothing. */
const MAX_SECRET_FILE = 4096;

export interface Overridden {
  readonly values: Record<string, unknown>;
  /** `SFTP.PASSWORD` → `AKTIN_SFTP_SFTP_PASSWORD_FILE` for every overridden key. */
  readonly origins: Record<string, string>;
  readonly problems: Problem[];
  /** A secret's _FILE that others may read (core/secret-exposure.ts). */
  readonly warnings: string[];
}

export async function applyEnvironment(
  values: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Overridden> {
  const result: Record<string, unknown> = { ...values };
  const origins: Record<string, string> = {};
  const problems: Problem[] = unknownVariableProblems(env);
  const warnings: string[] = [];
  for (const k of CONFIG_KEYS) {
    const name = envName(k);
    const direct = nonEmpty(env[name]);
    const fromFile = nonEmpty(env[`${name}_FILE`]);
    if (direct === undefined && fromFile === undefined) continue;
    if (direct !== undefined && fromFile !== undefined) {
      problems.push(
        problem('CONFIG_INVALID', `\`${keyLabel(k)}\` is set twice in the environment: ${name} and ${name}_FILE`, undefined, `Unset one of ${name} and ${name}_FILE.`),
      );
      continue;
    }
    let text = direct;
    if (fromFile !== undefined) {
      try {
        text = (await readFileCapped(fromFile, MAX_SECRET_FILE)).toString('utf8').replace(/[\r\n]+$/, '');
        const exposed = k.kind === 'secret' ? secretFileWarning(`The file ${fromFile} (${name}_FILE, the value of ${keyLabel(k)})`, fromFile, await stat(fromFile)) : undefined;
        if (exposed) warnings.push(exposed);
      } catch (error) {
        if (error instanceof FileTooLargeError) {
          problems.push(
            problem(
              'CONFIG_INVALID',
              `\`${keyLabel(k)}\` (from ${name}_FILE) must name a file of at most ${formatLimit(MAX_SECRET_FILE)}, got ${JSON.stringify(fromFile)} (${error.size > MAX_SECRET_FILE + 1 ? `${error.size} bytes` : 'more than that'})`,
              `${name}_FILE names the file that holds the value of ${keyLabel(k)}; it was not read further.`,
              'Point the variable at a file that holds only the value.',
            ),
          );
          continue;
        }
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : ((error as NodeJS.ErrnoException).code ?? 'unreadable');
        problems.push(
          problem(
            'CONFIG_INVALID',
            `\`${keyLabel(k)}\` (from ${name}_FILE) must name a readable file, got ${JSON.stringify(fromFile)} (${reason})`,
            `${name}_FILE names the file that holds the value of ${keyLabel(k)}.`,
            'Correct the path, or unset the variable to use the config file.',
          ),
        );
        continue;
      }
    }
    const value = k.kind === 'fingerprints' || k.kind === 'recipients' || k.kind === 'files' ? text!.split(',').map((s) => s.trim()).filter((s) => s !== '') : text;
    setValue(result, k.scope, k.key, value);
    origins[dottedName(k)] = fromFile === undefined ? name : `${name}_FILE`;
  }
  return { values: result, origins, problems, warnings };
}

function setValue(values: Record<string, unknown>, scope: string | null, key: string, value: unknown): void {
  if (scope === null) {
    values[key] = value;
    return;
  }
  const table = values[scope];
  if (table !== undefined && (typeof table !== 'object' || table === null || Array.isArray(table))) return; // the rules report it
  values[scope] = { ...(table), [key]: value };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

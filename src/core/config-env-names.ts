/**
 * Environment variables with our prefix that set nothing. A misspelt override
 * (AKTIN_SFTP_SFTP_PASSWROD, AKTIN_SFTP_APPLY_MAX_DELTE) would otherwise be ignored in silence
 * and the run would go on with the file's value, or with no deletion cap at all. Someone who
 * sets an AKTIN_SFTP_ variable means to change what the tool does, so a name we cannot place is
 * an error (exit 64, nothing done), not a warning a cron job never shows anyone. Unknown keys
 * in the TOML file stay warnings: the original tool ignored them, and its files must keep
 * working. Pure; never looks at a value beyond whether it is empty.
 */
import { CONFIG_KEYS, envName } from './config-keys.js';
import { closest } from './did-you-mean.js';
import { problem, type Problem } from './problem.js';

export const ENV_PREFIX = 'AKTIN_SFTP_';

/** Our variables that are not configuration keys. Add a variable here when the CLI reads a new one. */
export const NON_KEY_VARIABLES: readonly string[] = ['AKTIN_SFTP_CONFIG'];

export function knownVariables(): string[] {
  return [...NON_KEY_VARIABLES, ...CONFIG_KEYS.flatMap((k) => [envName(k), `${envName(k)}_FILE`])];
}

export function unknownVariableProblems(env: Readonly<Record<string, string | undefined>>): Problem[] {
  const known = knownVariables();
  const problems: Problem[] = [];
  for (const [name, value] of Object.entries(env)) {
    // An empty variable counts as unset, here as for the keys.
    if (value === undefined || value === '' || !name.toUpperCase().startsWith(ENV_PREFIX) || known.includes(name)) continue;
    const near = closest(name.toUpperCase(), known) ?? withoutScope(name.toUpperCase(), known);
    const caseOnly = near === name.toUpperCase();
    problems.push(
      problem(
        'CONFIG_INVALID',
        `The environment variable ${printableName(name)} is not a setting of aktin-sftp${near ? ` (did you mean ${near}?)` : ''}`,
        `Variables starting with ${ENV_PREFIX} set configuration keys: ${ENV_PREFIX}<SCOPE>_<KEY>, or ${ENV_PREFIX}<SCOPE>_<KEY>_FILE to read the value from a file. ` +
          `This one matches none, so what it was meant to set would not be used.${caseOnly ? ' Variable names are case-sensitive.' : ''}`,
        `Correct the name${near ? ` to ${near}` : ''}, or unset it. The keys are listed in docs/configuration.md.`,
      ),
    );
  }
  return problems;
}

/** AKTIN_SFTP_FOLDERNAME: the scope forgotten, a key name that still says which key was meant. */
function withoutScope(name: string, known: readonly string[]): string | undefined {
  const rest = name.slice(ENV_PREFIX.length);
  const matches = known.filter((v) => v.endsWith(`_${rest}`));
  return rest.length >= 3 && matches.length === 1 ? matches[0] : undefined;
}

function printableName(name: string): string {
  return /^[\x21-\x7e]+$/.test(name) ? name : JSON.stringify(name);
}

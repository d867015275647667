/**
 * Reads the configuration: the TOML file (the original tool's settings.toml is accepted as it
 * is), environment overrides, a shape check against schemas/config.schema.json, the named rules
 * of src/core/config-rules.ts, and whether the named files and folders exist. Reports every
 * problem at once in one ProblemError. Never puts a secret into a message: TOML errors are
 * reported by line and column only, because the parser's excerpt could show a password.
 */
import { access, open, stat } from 'node:fs/promises';
import { constants, type Stats } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'smol-toml';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { Config } from '../../core/config.js';
import { CONFIG_SCOPES } from '../../core/config-keys.js';
import { checkConfig, pathProblem, type PathToCheck, type RawConfig } from '../../core/config-rules.js';
import { exposedSecretsWarning } from '../../core/config-warnings.js';
import { ProblemError, problem, type Problem } from '../../core/problem.js';
import { applyEnvironment } from './env.js';
import { configReadProblem } from './file-unreadable.js';
import { secretFileWarning } from '../files/index.js';

export interface LoadOptions {
  /** Accept a config without HOST_KEY_FINGERPRINTS / KNOWN_HOSTS (plan then shows the server's key). */
  readonly allowMissingHostKey?: boolean;
  /** Check that key file, working dir and other paths exist. Default true. */
  readonly checkPaths?: boolean;
  /** `plan` in a CI job without secrets: a key file that does not exist is no problem here (plan says so itself). */
  readonly keyFileMayBeMissing?: boolean;
  /** Receives the warnings (unknown keys…) also when the config has problems and loading throws. */
  readonly onWarning?: (message: string) => void;
}

export async function loadConfig(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
  options: LoadOptions = {},
): Promise<{ config: Config; warnings: string[] }> {
  const { text, stats } = await readConfigText(path);
  const values = parseToml(path, text);
  const overridden = await applyEnvironment(values, env);
  const raw: RawConfig = { file: path, values: overridden.values, origins: overridden.origins };
  const check = checkConfig(raw, options);
  const exposed = exposedSecretsWarning(path, values, (subject) => secretFileWarning(subject, path, stats));
  if (exposed) check.warnings.unshift(exposed);
  check.warnings.push(...overridden.warnings);
  const problems = [...overridden.problems, ...check.problems];
  const paths = options.keyFileMayBeMissing ? check.paths.filter((p) => !(p.key.scope === 'SECURITY' && p.key.key === 'PATH_ENCRYPTION_KEY')) : check.paths;
  if (options.checkPaths ?? true) problems.push(...(await Promise.all(paths.map((p) => checkPath(raw, p)))).flat());
  if (problems.length === 0) problems.push(...(await shapeProblems(raw)));
  if (options.onWarning) check.warnings.forEach((w) => options.onWarning!(w));
  if (problems.length > 0 || !check.config) throw new ProblemError(problems);
  return { config: check.config, warnings: check.warnings };
}

async function readConfigText(path: string): Promise<{ text: string; stats: Stats }> {
  try {
    // One open file for both: the mode is the mode of the bytes that were read.
    const handle = await open(path, 'r');
    try {
      const info = await handle.stat();
      if (info.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
      return { text: await handle.readFile('utf8'), stats: info };
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw configReadProblem(path, error);
  }
}

function parseToml(path: string, text: string): Record<string, unknown> {
  try {
    return parse(text);
  } catch (error) {
    const e = error as { message?: string; line?: number; column?: number };
    const reason = String(e.message ?? error).split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    // No cause: the parser's message quotes the offending line, which may hold a secret.
    throw new ProblemError(
      problem(
        'CONFIG_INVALID',
        `${basename(path)} is not valid TOML: line ${e.line ?? '?'}, column ${e.column ?? '?'}: ${reason}`,
        `File: ${path}`,
        'Fix the syntax at that position; strings need double quotes, e.g. TIMEOUT = "25" or TIMEOUT = 25.',
      ),
    );
  }
}

async function checkPath(raw: RawConfig, check: PathToCheck): Promise<Problem[]> {
  try {
    const info = await stat(check.path);
    if (check.type === 'file' && !info.isFile()) return [pathProblem(raw, check, 'it is not a regular file')];
    if (check.type === 'directory' && !info.isDirectory()) return [pathProblem(raw, check, 'it is not a directory')];
    await access(check.path, check.type === 'file' ? constants.R_OK : constants.R_OK | constants.W_OK | constants.X_OK);
    return [];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return [pathProblem(raw, check, code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'permission denied' : `${code ?? 'unreadable'}`)];
  }
}

let validator: ValidateFunction | undefined;

/**
 * The JSON schema is the contract editors see; the rules give the better messages. They agree
 * (a test holds them to it), so the schema only speaks when the rules found nothing: then a
 * schema error means they disagree, and the stricter one wins.
 */
async function shapeProblems(raw: RawConfig): Promise<Problem[]> {
  // Loaded here, not at start-up: commands that read no configuration never pay for it.
  validator ??= (await import('../../generated/config-schema-check.js')).default as unknown as ValidateFunction;
  if (validator(raw.values)) return [];
  return (validator.errors ?? []).filter((e) => e.keyword !== 'additionalProperties' && !isUnderUnknown(e)).map((e) => schemaProblem(raw, e));
}

function isUnderUnknown(error: ErrorObject): boolean {
  const top = error.instancePath.split('/')[1];
  return top !== undefined && top !== '' && !(CONFIG_SCOPES as readonly string[]).includes(top) && top !== 'REQUESTS_CA_BUNDLE';
}

function schemaProblem(raw: RawConfig, error: ErrorObject): Problem {
  const [scope, key] = error.instancePath.split('/').slice(1);
  const label = key === undefined ? `\`${scope ?? '(top level)'}\`` : `\`[${scope}] ${key}\``;
  return problem('CONFIG_INVALID', `${label} in ${basename(raw.file)} ${error.message ?? 'is not valid'}`, `File: ${raw.file}\nChecked against schemas/config.schema.json.`);
}

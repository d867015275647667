/**
 * Plan files on disk: JSON, validated against schemas/plan.schema.json when read (by the
 * validator compiled from it into src/generated/), written atomically (temporary file, fsync,
 * rename) so a CI artefact is never half a plan.
 */
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { decodePlan, encodePlan, isNewerMinorFormat } from '../../core/plan-codec.js';
import { checkPlanConsistency } from '../../core/plan-consistency.js';
import type { Plan } from '../../core/plan.js';
import { ProblemError, problem } from '../../core/problem.js';
import { FileTooLargeError, formatLimit, readFileCapped } from './capped-read.js';
import { PUBLIC_MODE, replaceFile } from './replace-file.js';

const MAX_ERRORS_SHOWN = 20;

/**
 * The largest plan file read, checked before parsing (JSON.parse costs several times the text).
 * A plan of 100,000 actions of the largest kind (replace) is 55.5 MiB; 100,000 creates ~37 MiB.
 */
export const MAX_PLAN_FILE = 64 * 1024 * 1024;
const DO_NOT_EDIT = 'Do not edit saved plans; make a new one with `aktin-sftp plan -o FILE`.';

let validator: ValidateFunction | undefined;

/** The schema check is loaded with the first plan file read, not at start-up. */
async function planValidator(): Promise<ValidateFunction> {
  validator ??= (await import('../../generated/plan-file-schema-check.js')).default as unknown as ValidateFunction;
  return validator;
}

/** Why the file could not be read, never quoting it: V8's JSON errors include a piece of the text. */
function unreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof FileTooLargeError) return `It holds more than ${formatLimit(error.limit)}, the largest plan aktin-sftp reads (about 115,000 actions); it was not parsed.`;
  if (code === 'ENOENT') return 'The file does not exist.';
  if (code !== undefined) return `It cannot be read (${code}).`;
  const at = /position (\d+)/.exec((error as Error).message)?.[1];
  return `It is not JSON${at === undefined ? '' : ` (the parser stopped at character ${at})`}.`;
}

export async function readPlanFile(path: string): Promise<Plan> {
  let value: unknown;
  try {
    value = JSON.parse((await readFileCapped(path, MAX_PLAN_FILE)).toString('utf8'));
  } catch (error) {
    const hint = error instanceof FileTooLargeError ? "Make smaller plans (aktin-sftp plan --only ID… -o FILE), or apply without a plan file (aktin-sftp apply)." : "Save a plan with 'aktin-sftp plan -o FILE'.";
    throw new ProblemError(problem('PLAN_INVALID', `Cannot read the plan ${path}`, unreadable(error), hint), { cause: error });
  }
  const decoded = decodePlan(value, path);
  if (!decoded.ok) throw new ProblemError(decoded.problems);
  // A newer minor version may add fields anywhere: check what this version reads, without them.
  const validate = await planValidator();
  if (!validate(isNewerMinorFormat(value) ? decoded.value : value)) {
    throw new ProblemError(
      problem('PLAN_INVALID', `${path} is not a valid aktin-sftp plan`, `Checked against schemas/plan.schema.json:\n${describeErrors(validate.errors ?? [])}`, DO_NOT_EDIT),
    );
  }
  const inconsistent = checkPlanConsistency(decoded.value, path);
  if (inconsistent.length > 0) throw new ProblemError(inconsistent);
  return decoded.value;
}

/** Each schema error as `- <JSON pointer> <message>`, the noise of failed `oneOf` branches left out. */
function describeErrors(errors: readonly ErrorObject[]): string {
  const lines = [...new Set(errors.filter((e) => e.keyword !== 'if').map((e) => `- ${e.instancePath || '/'} ${e.message ?? 'is not valid'}${extra(e)}`))];
  const shown = lines.slice(0, MAX_ERRORS_SHOWN);
  if (lines.length > shown.length) shown.push(`- … and ${lines.length - shown.length} more`);
  return shown.join('\n');
}

function extra(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'enum') return `: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (error.keyword === 'additionalProperties') return ` (${JSON.stringify(params.additionalProperty)})`;
  return '';
}

/** Atomic: a reader sees the old plan or the whole new one. */
export async function writePlanFile(path: string, plan: Plan): Promise<void> {
  try {
    await replaceFile(path, encodePlan(plan), { mode: PUBLIC_MODE });
  } catch (error) {
    throw new ProblemError(problem('FILE_IO', `Cannot write the plan to ${path}`, (error as Error).message, 'Check that the folder exists and is writable.'), { cause: error });
  }
}

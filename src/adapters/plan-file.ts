/**
 * Plan files on disk: JSON, validated against schemas/plan.schema.json when read, written
 * atomically (temporary file and rename) so a CI artefact is never half a plan.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { decodePlan, encodePlan } from '../core/plan-codec.js';
import type { Plan } from '../core/plan.js';
import { ProblemError, problem } from '../core/problem.js';

let validator: ValidateFunction | undefined;

async function planValidator(): Promise<ValidateFunction> {
  validator ??= new Ajv2020({ allErrors: true, strict: true }).compile(
    JSON.parse(await readFile(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as object,
  );
  return validator;
}

export async function readPlanFile(path: string): Promise<Plan> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ProblemError(
      problem('PLAN_INVALID', `Cannot read the plan ${path}`, missing ? 'The file does not exist.' : `It is not JSON: ${(error as Error).message}`, "Save a plan with 'aktin-sftp plan -o FILE'."),
      { cause: error },
    );
  }
  const decoded = decodePlan(value, path);
  if (!decoded.ok) throw new ProblemError(decoded.problems);
  const validate = await planValidator();
  if (!validate(value)) {
    const errors = (validate.errors ?? []).slice(0, 10).map((e) => `- ${e.instancePath || '/'} ${e.message ?? 'is not valid'}`);
    throw new ProblemError(
      problem('PLAN_INVALID', `${path} is not a valid aktin-sftp plan`, `Checked against schemas/plan.schema.json:\n${errors.join('\n')}`, 'Do not edit saved plans; make a new one.'),
    );
  }
  return decoded.value;
}

export async function writePlanFile(path: string, plan: Plan): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, encodePlan(plan), { mode: 0o644, flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new ProblemError(problem('FILE_IO', `Cannot write the plan to ${path}`, (error as Error).message), { cause: error });
  }
}

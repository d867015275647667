/**
 * A saved plan's text form and its version gate. The format follows Terraform's rule: a minor
 * version only adds fields (a reader ignores what it does not know), a major version breaks,
 * and a reader refuses a major it does not know. The shape itself is checked against
 * schemas/plan.schema.json by the plan-file adapter before decodePlan sees it.
 */
import type { Plan } from './plan.js';
import { PLAN_FORMAT_VERSION } from './plan.js';
import { failed, ok, problem, type Outcome } from './problem.js';

export function encodePlan(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + '\n';
}

export function decodePlan(value: unknown, source: string): Outcome<Plan> {
  const version = (value as { format_version?: unknown } | null)?.format_version;
  const major = typeof version === 'string' ? version.split('.')[0] : undefined;
  const ours = PLAN_FORMAT_VERSION.split('.')[0];
  if (major !== ours) {
    return failed([
      problem(
        'PLAN_INVALID',
        `${source} is a plan of format ${String(version)}; this aktin-sftp reads format ${ours}.x`,
        'Plan formats of another major version are not compatible.',
        'Make the plan again with this version of aktin-sftp, or apply it with the version that made it.',
      ),
    ]);
  }
  return ok(value as Plan);
}

/**
 * A saved plan's text form and its version gate. The format follows Terraform's rule: a minor
 * version only adds fields (a reader ignores what it does not know), a major version breaks,
 * and a reader refuses a major it does not know. The shape itself is checked against
 * schemas/plan.schema.json by the plan-file adapter; this file never touches the disk.
 *
 * Keys are written in one fixed order (src/core/plan-shape.ts), whatever order the plan object
 * was built or parsed in, so that two equal plans are equal files and a diff of two plans shows
 * only what changed.
 */
import type { Plan } from './plan.js';
import { PLAN_FORMAT_VERSION } from './plan.js';
import { projectPlan } from './plan-shape.js';
import { failed, ok, problem, type Outcome } from './problem.js';

/** 2-space JSON with a final newline, keys in the fixed order. */
export function encodePlan(plan: Plan): string {
  return JSON.stringify(projectPlan(plan), null, 2) + '\n';
}

/**
 * The version gate. A plan of our major version is returned with the keys this version knows
 * (in the fixed order); fields of a newer minor version are dropped, as the format promises.
 * Values are not checked here: the schema does that.
 */
export function decodePlan(value: unknown, source: string): Outcome<Plan> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return failed([problem('PLAN_INVALID', `${source} is not an aktin-sftp plan`, 'Expected a JSON object with a format_version.', SAVE_AGAIN)]);
  }
  const version = formatVersionOf(value);
  const ours = parseVersion(PLAN_FORMAT_VERSION)!;
  if (version === null) {
    const found = JSON.stringify((value as { format_version?: unknown }).format_version) ?? 'nothing';
    return failed([
      problem('PLAN_INVALID', `${source} has no valid format_version`, `Expected "MAJOR.MINOR" (this aktin-sftp writes ${PLAN_FORMAT_VERSION}), found ${found}.`, SAVE_AGAIN),
    ]);
  }
  if (version.major !== ours.major) {
    return failed([
      problem(
        'PLAN_INVALID',
        `${source} is a plan of format ${version.text}; this aktin-sftp reads format ${ours.major}.x`,
        `Plan formats of another major version are not compatible (this aktin-sftp writes ${PLAN_FORMAT_VERSION}).`,
        'Make the plan again with this version of aktin-sftp, or apply it with the version that made it.',
      ),
    ]);
  }
  // `options.only` came with 1.1: a "1.0" plan that holds it was relabelled, and a 1.0 reader would
  // apply it untargeted. Refused rather than read either way.
  if (version.minor < 1 && (value as { options?: { only?: unknown } }).options?.only !== undefined) {
    return failed([
      problem(
        'PLAN_INVALID',
        `${source} says format ${version.text} but holds options.only, which format 1.1 added`,
        'A plan of format 1.0 is never targeted; this one was edited.',
        SAVE_AGAIN,
      ),
    ]);
  }
  return ok(projectPlan(value) as Plan);
}

/** True when the plan was written by a newer minor format version than ours (it may carry fields we drop). */
export function isNewerMinorFormat(value: unknown): boolean {
  const version = formatVersionOf(value);
  const ours = parseVersion(PLAN_FORMAT_VERSION)!;
  return version !== null && version.major === ours.major && version.minor > ours.minor;
}

const SAVE_AGAIN = "Save a plan with 'aktin-sftp plan -o FILE'.";

function formatVersionOf(value: unknown): { text: string; major: number; minor: number } | null {
  const text = (value as { format_version?: unknown } | null)?.format_version;
  return typeof text === 'string' ? parseVersion(text) : null;
}

function parseVersion(text: string): { text: string; major: number; minor: number } | null {
  const match = /^([0-9]{1,6})\.([0-9]{1,6})$/.exec(text);
  return match ? { text, major: Number(match[1]), minor: Number(match[2]) } : null;
}

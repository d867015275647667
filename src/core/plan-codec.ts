/**
 * A saved plan's text form and its version gate. The format follows Terraform's rule: a minor
 * version only adds fields (a reader ignores what it does not know), a major version breaks,
 * and a reader refuses a major it does not know. The shape itself is checked against
 * schemas/plan.schema.json by the plan-file adapter; this file never touches the disk.
 *
 * Keys are written in one fixed order (the order of the lists below), whatever order the plan
 * object was built or parsed in, so that two equal plans are equal files and a diff of two
 * plans shows only what changed.
 */
import type { Plan, PlannedAction } from './plan.js';
import { PLAN_FORMAT_VERSION } from './plan.js';
import { summarisePlan } from './plan-summary.js';
import { failed, ok, problem, type Outcome, type Problem } from './problem.js';

/** A key list that must name every key of T: a field added to the type but not listed here fails to compile. */
function keysOf<T>() {
  return <const K extends readonly (keyof T & string)[]>(keys: K & ([Exclude<keyof T, K[number]>] extends [never] ? unknown : never)): readonly string[] => keys;
}

type Shape = { readonly keys: readonly string[]; readonly nested?: Readonly<Record<string, Shape>>; readonly items?: Shape };

const SIDE: Shape = { keys: keysOf<NonNullable<PlannedAction['before']>>()(['completion', 'fingerprint']) };
const ACTION: Shape = {
  keys: keysOf<PlannedAction>()(['address', 'kind', 'reason', 'request_id', 'before', 'after', 'precondition']),
  nested: {
    before: SIDE,
    after: SIDE,
    // size and mtime only on `present`: a missing key stays missing.
    precondition: { keys: ['remote'], nested: { remote: { keys: ['state', 'size', 'mtime'] } } },
  },
};
const PLAN: Shape = {
  keys: keysOf<Plan>()([
    'format_version',
    'tool_version',
    'plan_id',
    'created_at',
    'config_sha256',
    'tag',
    'folder',
    'inputs',
    'options',
    'actions',
    'summary',
  ]),
  nested: {
    inputs: {
      keys: keysOf<Plan['inputs']>()(['ledger', 'remote', 'broker']),
      nested: {
        ledger: { keys: keysOf<Plan['inputs']['ledger']>()(['lineage', 'serial', 'sha256']) },
        remote: { keys: keysOf<Plan['inputs']['remote']>()(['sha256', 'files']) },
        broker: { keys: keysOf<Plan['inputs']['broker']>()(['sha256', 'requests']) },
      },
    },
    options: { keys: keysOf<Plan['options']>()(['max_delete', 'allow_mass_delete', 'prune_orphans']) },
    actions: { keys: [], items: ACTION },
    summary: { keys: keysOf<Plan['summary']>()(['add', 'change', 'destroy', 'publish_ledger']) },
  },
};

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

function projectPlan(value: unknown): unknown {
  return project(value, PLAN);
}

/** Copies the known keys of an object in the fixed order; anything that is not an object passes unchanged for the schema to judge. */
function project(value: unknown, shape: Shape): unknown {
  if (shape.items) return Array.isArray(value) ? value.map((item) => project(item, shape.items!)) : value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of shape.keys) {
    if (!Object.prototype.hasOwnProperty.call(source, key) || source[key] === undefined) continue;
    const nested = shape.nested?.[key];
    out[key] = nested ? project(source[key], nested) : source[key];
  }
  return out;
}

/**
 * What the schema cannot say: the summary is the count of the actions (a hand-edited summary
 * would mislead whoever approves the plan), and the ledger upload, if any, comes once and last.
 */
export function checkPlanConsistency(plan: Plan, source: string): Problem[] {
  const problems: Problem[] = [];
  const want = summarisePlan(plan.actions);
  const { add, change, destroy, publish_ledger } = plan.summary;
  if (add !== want.add || change !== want.change || destroy !== want.destroy || publish_ledger !== want.publish_ledger) {
    problems.push(
      problem(
        'PLAN_INVALID',
        `${source}: the summary does not match the actions`,
        `The actions make ${JSON.stringify(want)}, the summary says ${JSON.stringify(plan.summary)}.`,
        'Do not edit saved plans; make a new one.',
      ),
    );
  }
  const publishes = plan.actions.flatMap((a, i) => (a.kind === 'publish_ledger' ? [i] : []));
  if (publishes.length > 1 || (publishes.length === 1 && publishes[0] !== plan.actions.length - 1)) {
    problems.push(
      problem(
        'PLAN_INVALID',
        `${source}: the ledger upload must be the last action, and only one`,
        `Found publish_ledger at action(s) ${publishes.join(', ')} of ${plan.actions.length}.`,
        'Do not edit saved plans; make a new one.',
      ),
    );
  }
  return problems;
}

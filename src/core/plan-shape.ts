/**
 * The keys of the plan document, in the order they are written. Projecting a value onto them
 * gives a plan with this version's fields only, in a fixed order: the encoder writes that, and
 * the decoder drops what a newer minor version added. The key lists are checked against the
 * types in plan.ts at compile time, so a field cannot be added there and forgotten here.
 */
import type { Plan, PlannedAction } from './plan.js';

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
    'remote',
    'encryption',
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
    encryption: { keys: keysOf<NonNullable<Plan['encryption']>>()(['scheme', 'key_id']) },
    options: { keys: keysOf<Plan['options']>()(['max_delete', 'allow_mass_delete', 'prune_orphans', 'only', 'replace']) },
    actions: { keys: [], items: ACTION },
    summary: { keys: keysOf<Plan['summary']>()(['add', 'change', 'destroy', 'publish_ledger']) },
  },
};

export function projectPlan(value: unknown): unknown {
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

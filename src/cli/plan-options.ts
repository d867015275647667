/**
 * The safety options shared by `plan` and `apply` (no plan file): deletion cap, mass-delete
 * override, orphan pruning. Command-line values win over the configuration.
 */
import type { Argv } from 'yargs';
import type { Config } from '../core/config.js';
import type { PlanOptions } from '../core/plan.js';

export interface PlanSafetyArgs {
  readonly 'max-delete'?: number;
  readonly 'allow-mass-delete': boolean;
  readonly 'prune-orphans': boolean;
}

export function planSafetyOptions<T>(y: Argv<T>): Argv<T & PlanSafetyArgs> {
  return y
    .option('max-delete', { type: 'number', describe: 'Refuse to plan more deletions than this (overrides [APPLY] MAX_DELETE)' })
    .option('allow-mass-delete', {
      type: 'boolean',
      default: false,
      describe: 'Allow deletions above the cap, and when the broker lists no tagged request at all',
    })
    .option('prune-orphans', {
      type: 'boolean',
      default: false,
      describe: 'Also remove export_<id>.zip files the ledger does not know',
    });
}

export function planOptionsFrom(args: PlanSafetyArgs, config: Config): PlanOptions {
  return {
    max_delete: args['max-delete'] ?? config.apply.maxDelete,
    allow_mass_delete: args['allow-mass-delete'],
    prune_orphans: args['prune-orphans'],
  };
}

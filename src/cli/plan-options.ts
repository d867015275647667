/**
 * The safety options shared by `plan` and `apply` (no plan file): deletion cap, mass-delete
 * override, orphan pruning. Command-line values win over the configuration, and are read by the
 * configuration's own rule (core/option-values.ts): a bad --max-delete is a usage error before
 * anything runs, never NaN.
 */
import type { Argv } from 'yargs';
import type { Config } from '../core/config.js';
import { compareRequestIds, isRequestId, type RequestId } from '../core/model.js';
import { readOptionValue, type OptionRead } from '../core/option-values.js';
import type { PlanOptions } from '../core/plan.js';
import { ProblemError, problem } from '../core/problem.js';

export interface PlanSafetyArgs {
  readonly only?: readonly string[];
  readonly 'max-delete'?: number;
  readonly 'allow-mass-delete': boolean;
  readonly 'prune-orphans': boolean;
  readonly replace?: readonly string[];
  readonly 'replace-all': boolean;
}

export function planSafetyOptions<T>(y: Argv<T>): Argv<T & PlanSafetyArgs> {
  return y
    .option('max-delete', {
      type: 'string', // not 'number': yargs would turn "abc" into NaN before any rule sees it; read by PLAN_OPTION_RULES
      describe: 'Refuse to plan more deletions than N, a whole number >= 0 (overrides [APPLY] MAX_DELETE); --allow-mass-delete does not lift it',
    })
    .option('allow-mass-delete', {
      type: 'boolean',
      default: false,
      describe: 'Allow deletions when the broker lists no tagged request at all; the cap (--max-delete, [APPLY] MAX_DELETE) still applies',
    })
    .option('only', {
      type: 'string',
      array: true,
      describe: 'Plan only these request ids (Terraform\'s -target): nothing else is read or changed, except the ledger upload',
    })
    .option('replace', {
      type: 'string',
      array: true,
      describe: "Upload these live requests again, re-sealed with the configured key, whatever else holds (Terraform's -replace)",
    })
    .option('replace-all', {
      type: 'boolean',
      default: false,
      describe: 'Upload every live request again (a Fernet key change, or to re-seal all)',
    })
    .option('prune-orphans', {
      type: 'boolean',
      default: false,
      describe: 'Also remove export_<id>.zip files the ledger does not know',
    }) as unknown as Argv<T & PlanSafetyArgs>;
}

/** Options read by a configuration key's rule; program.ts applies them before any command runs. */
export const PLAN_OPTION_RULES: Readonly<Record<string, (raw: unknown) => OptionRead>> = {
  'max-delete': (raw) => readOptionValue('--max-delete', 'APPLY.MAX_DELETE', raw, 'N'),
};

export function planOptionsFrom(args: PlanSafetyArgs, config: Config): PlanOptions {
  return {
    max_delete: args['max-delete'] ?? config.apply.maxDelete,
    allow_mass_delete: args['allow-mass-delete'],
    prune_orphans: args['prune-orphans'],
    ...(args.only === undefined ? {} : { only: requestIdsOf(args.only, '--only') }),
    ...replaceOf(args),
  };
}

function replaceOf(args: PlanSafetyArgs): Pick<PlanOptions, 'replace'> {
  if (args.replace !== undefined && args['replace-all']) {
    throw new ProblemError(problem('USAGE', '--replace and --replace-all cannot be combined', undefined, 'Name the requests with --replace ID…, or replace every live one with --replace-all.'));
  }
  if (args['replace-all']) return { replace: 'all' };
  return args.replace === undefined ? {} : { replace: requestIdsOf(args.replace, '--replace') };
}

/** `--only 2 7`, `--only 2,7`: distinct request ids in ascending order; anything else is a usage error. */
function requestIdsOf(values: readonly string[], option: string): RequestId[] {
  const ids = values.flatMap((v) => String(v).split(',')).map((v) => v.trim());
  const bad = ids.find((id) => !isRequestId(id));
  if (bad !== undefined || ids.length === 0) {
    throw new ProblemError(
      problem(
        'USAGE',
        `${option} takes request ids (whole numbers), got ${JSON.stringify(bad ?? '').slice(0, 40)}`,
        // `apply --only 0 plan.json`: --only takes every word after it, the plan file too.
        bad !== undefined && /[./]/.test(bad) ? `${option} takes every word after it as a request id; a saved plan takes no ${option} (it was decided at plan time).` : undefined,
        `Example: aktin-sftp plan ${option} 2 7`,
      ),
    );
  }
  return [...new Set(ids)].sort(compareRequestIds);
}

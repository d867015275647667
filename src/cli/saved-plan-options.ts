/**
 * Which `apply` options combine with a saved plan. A saved plan was decided at `plan` time, so an
 * option that would change what is planned (--only, --prune-orphans, --replace, --allow-mass-delete,
 * --dry-run, --detailed-exitcode) cannot act on it: it is refused before anything happens
 * (exit 64), never dropped in silence. A guard can only tighten: --max-delete is honoured, and a
 * plan that deletes more than it allows is refused (core/plan-safety.ts). Every other option
 * (-c, --json, --quiet, --metrics-file, --lock-timeout, --auto-approve) works as without a plan.
 */
import { problem, type Problem } from '../core/problem.js';

export interface SavedPlanArgs {
  readonly only?: readonly string[];
  readonly 'allow-mass-delete'?: boolean;
  readonly 'prune-orphans'?: boolean;
  readonly replace?: readonly string[];
  readonly 'replace-all'?: boolean;
  readonly 'dry-run'?: boolean;
  readonly 'detailed-exitcode'?: boolean;
}

/** The refused options, each with what to do instead; `true` when given (its default is off). */
const REFUSED: readonly { readonly option: string; readonly given: (a: SavedPlanArgs) => boolean; readonly instead: string }[] = [
  { option: '--only', given: (a) => a.only !== undefined, instead: 'Put it on plan: aktin-sftp plan --only ID… -o FILE, then apply that plan' },
  { option: '--prune-orphans', given: (a) => a['prune-orphans'] === true, instead: 'Put it on plan: aktin-sftp plan --prune-orphans -o FILE, then apply that plan' },
  { option: '--replace', given: (a) => a.replace !== undefined, instead: 'Put it on plan: aktin-sftp plan --replace ID… -o FILE, then apply that plan' },
  { option: '--replace-all', given: (a) => a['replace-all'] === true, instead: 'Put it on plan: aktin-sftp plan --replace-all -o FILE, then apply that plan' },
  { option: '--allow-mass-delete', given: (a) => a['allow-mass-delete'] === true, instead: 'Put it on plan: aktin-sftp plan --allow-mass-delete -o FILE, then apply that plan' },
  { option: '--dry-run', given: (a) => a['dry-run'] === true, instead: 'To look at the saved plan, run: aktin-sftp show FILE' },
  { option: '--detailed-exitcode', given: (a) => a['detailed-exitcode'] === true, instead: 'Put it on plan: aktin-sftp plan --detailed-exitcode; apply FILE exits 0 when it applied' },
];

/** The options that do not combine with the saved plan `file`: one USAGE problem each. */
export function savedPlanConflicts(args: SavedPlanArgs, file: string): Problem[] {
  return REFUSED.filter((r) => r.given(args)).map((r) =>
    problem(
      'USAGE',
      `apply ${r.option} does not combine with a saved plan (${file})`,
      `A saved plan was decided when it was made; ${r.option} cannot change it, and aktin-sftp never ignores an option. Nothing was changed.`,
      `${r.instead.replaceAll('FILE', file)}.`,
    ),
  );
}

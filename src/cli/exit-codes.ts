/**
 * Exit codes: a contract with cron, CI and monitoring. Documented in `--help` and the README.
 * The only place that maps problems to numbers.
 */
import type { ApplyReport } from '../app/apply-plan.js';
import { isDrift, type DriftItem } from '../core/drift.js';
import { hasChanges, type Plan } from '../core/plan.js';
import type { ProblemCode } from '../core/problem.js';

export const EXIT = {
  /** Success; for `plan --detailed-exitcode` and `drift`: nothing to do. */
  OK: 0,
  /** Any error. */
  ERROR: 1,
  /** `plan --detailed-exitcode`: changes planned. `drift`: drift found. */
  CHANGES: 2,
  /** `apply PLANFILE`: the plan is stale, an input moved since it was made. Nothing was changed. */
  STALE_PLAN: 3,
  /** Another apply holds the ledger lock. Nothing was changed. */
  LOCKED: 4,
  /** Invalid command line, configuration or saved plan. Nothing was changed. */
  USAGE: 64,
  /** Interrupted by SIGINT/SIGTERM after finishing the action in flight. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function exitCodeFor(code: ProblemCode): ExitCode {
  switch (code) {
    case 'PLAN_STALE':
      return EXIT.STALE_PLAN;
    case 'LEDGER_LOCKED':
      return EXIT.LOCKED;
    case 'USAGE':
    case 'CONFIG_NOT_FOUND':
    case 'CONFIG_INVALID':
    case 'PLAN_INVALID':
      return EXIT.USAGE;
    case 'INTERRUPTED':
      return EXIT.INTERRUPTED;
    // decrypt: a file that does not open with the key, of any scheme (Fernet's code before it).
    case 'DECRYPT_FAILED':
      return EXIT.ERROR;
    default:
      return EXIT.ERROR;
  }
}

export const EXIT_CODES_HELP = `Exit codes:
  0    success (plan --detailed-exitcode, drift: no changes)
  1    error
  2    plan --detailed-exitcode: changes planned; drift: drift found
  3    apply: the saved plan is stale, nothing was changed
  4    apply: the ledger is locked by another run, nothing was changed
  64   invalid command line, configuration or saved plan
  130  interrupted`;

/** `plan`: 2 for changes only when --detailed-exitcode asked for it. */
export function planExitCode(plan: Pick<Plan, 'actions'>, detailed: boolean): ExitCode {
  return detailed && hasChanges(plan) ? EXIT.CHANGES : EXIT.OK;
}

/** Drift found is 2; files the tool does not own are reported but are no drift. */
export function driftExitCode(report: { readonly items: readonly DriftItem[] }): ExitCode {
  return report.items.some(isDrift) ? EXIT.CHANGES : EXIT.OK;
}

/** A run whose only failures are actions whose file changed meanwhile is a stale plan (3). */
export function applyExitCode(report: ApplyReport): ExitCode {
  if (report.failed.length > 0) return report.failed.every((f) => f.problem.code === 'PLAN_STALE') ? EXIT.STALE_PLAN : EXIT.ERROR;
  return report.interrupted ? EXIT.INTERRUPTED : EXIT.OK;
}

/**
 * `aktin-sftp apply [PLANFILE]`: executes a saved plan exactly, or plans and applies in one
 * run (after confirmation on a terminal, or with --auto-approve: the cron successor of
 * `python3 sftp_export.py config.toml`).
 */
import { resolve } from 'node:path';
import { applyChanges } from '../../app/apply-changes.js';
import type { ApplyReport } from '../../app/apply-plan.js';
import type { Plan } from '../../core/plan.js';
import { planIdentityOf } from '../../core/plan-freshness.js';
import { checkSavedPlanDeleteCap } from '../../core/plan-safety.js';
import { ProblemError } from '../../core/problem.js';
import type { CliCommand, GlobalArgs } from '../command.js';
import { applyExitCode, EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { loadConfigFor } from '../load-config.js';
import { openWorld, readPlanFile } from '../open-world.js';
import { planOptionsFrom, planSafetyOptions, type PlanSafetyArgs } from '../plan-options.js';
import { applyReportToJson, createApplyProgress, renderApplySummary, renderRunLine } from '../render-apply.js';
import { confirmApply } from '../confirm-apply.js';
import { lockTimeoutOption, lockWaitFrom, type LockTimeoutArgs } from '../lock-options.js';
import { withMetricsFile, type RunOutcome } from '../run-metrics-file.js';
import { ownFilesIfConfigured, refuseOwnFilesAsOutputs } from '../own-files.js';
import { planCommand } from './plan.js';
import { savedPlanConflicts } from '../saved-plan-options.js';
import { renderPlan } from '../render-plan.js';
import { chalkFor } from '../render-problems.js';
import { applySummaryEntry, eventLog } from '../log-events.js';
import { writeLog, writeProblems } from '../log-lines.js';
import { runOptionsOf } from '../run-options.js';

interface ApplyArgs extends PlanSafetyArgs, LockTimeoutArgs {
  readonly planfile?: string;
  readonly 'auto-approve': boolean;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly 'dry-run': boolean;
  readonly 'detailed-exitcode': boolean;
  readonly 'metrics-file'?: string;
}

export const applyCommand: CliCommand<ApplyArgs> = {
  command: 'apply [planfile]',
  describe: 'Execute a saved plan, or plan and apply after confirmation (--auto-approve for cron)',
  builder: (y) =>
    planSafetyOptions(
      lockTimeoutOption(y)
        .positional('planfile', { type: 'string', describe: 'A plan saved by `plan -o`; applying it is the approval' })
        .option('auto-approve', { type: 'boolean', default: false, describe: 'Apply without asking (no plan file: plan and apply at once)' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the apply report as JSON on stdout (schemas/apply-report.schema.json); with --log-format json the events of the run stream to stderr' })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'Print nothing when nothing changed, and no progress lines (warnings and errors still go to stderr): for cron' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Only plan: the same as `aktin-sftp plan` (read-only)' })
        .option('detailed-exitcode', { type: 'boolean', default: false, describe: 'With --dry-run: exit 0 for no changes, 2 for changes' })
        .option('metrics-file', { type: 'string', describe: 'After the run, write Prometheus textfile metrics of it to this file (atomically)' })
        .example('$0 apply plan.json', 'apply exactly the reviewed plan')
        .example('$0 apply --auto-approve --quiet --metrics-file /var/lib/node_exporter/aktin-sftp.prom', 'the cron job')
        .example('$0 apply --dry-run --detailed-exitcode', 'what would change, as plan does')
        .example('$0 apply --auto-approve --lock-timeout 5m', 'wait up to 5 minutes for a run that holds the lock'),
    ),
  epilog:
    'With PLANFILE, --only, --prune-orphans, --replace(-all), --allow-mass-delete, --dry-run and --detailed-exitcode are refused (exit 64: put them on plan); ' +
    '--max-delete N refuses a plan that deletes more than N files (exit 1); the other options work as without it. ' +
    'Exit codes: 0 applied (or nothing to do), 1 an action failed (finished actions stay recorded, nothing was deleted), ' +
    '3 the saved plan is stale (nothing changed), 4 the ledger is locked by another run (after --lock-timeout, if given), 130 interrupted.',
  run: async (args, io) => {
    if (args.planfile !== undefined) {
      const conflicts = savedPlanConflicts(args, args.planfile);
      if (conflicts.length > 0) throw new ProblemError(conflicts);
    }
    if (args['dry-run']) return planCommand.run({ ...args, diff: false }, io);
    const metrics = args['metrics-file'] === undefined ? undefined : resolve(io.cwd, args['metrics-file']);
    if (metrics !== undefined) {
      // Before anything, and before withMetricsFile, which writes the file whatever the outcome.
      const input = args.planfile === undefined ? [] : [{ role: 'the plan file', path: resolve(io.cwd, args.planfile) }];
      await refuseOwnFilesAsOutputs([{ option: '--metrics-file', path: metrics }], [...input, ...(await ownFilesIfConfigured(args, io))]);
    }
    return withMetricsFile(metrics, io, args, 'apply', () => applyWith(args, io));
  },
};

async function applyWith(args: ApplyArgs & GlobalArgs, io: CliIo): Promise<RunOutcome> {
  const started = Date.now();
  const config = await loadConfigFor(args, io);
  const saved = args.planfile === undefined ? undefined : { saved: await readPlanFile(resolve(io.cwd, args.planfile)), file: args.planfile };
  // A --max-delete given now can only tighten the saved plan: a guard on the command line is never dropped.
  if (saved && args['max-delete'] !== undefined) {
    const over = checkSavedPlanDeleteCap(saved.saved, args['max-delete'], saved.file);
    if (over.length > 0) throw new ProblemError(over);
  }
  const chalk = chalkFor(io, args.color);
  const showPlan = (plan: Plan) => {
    if (!args.json && !(args.quiet && args['auto-approve'])) io.stdout.write(renderPlan(plan, chalk, { saved: true }));
  };
  // JSON logs are one line per event: no progress display to clear.
  const progress = io.logFormat === 'json' ? { onEvent: eventLog(io, { quiet: args.quiet }), stop: () => undefined } : createApplyProgress(io, chalk, { quiet: args.quiet });
  const logSummary = (planId: string, report: ApplyReport | null) => {
    const entry = applySummaryEntry(planId, report, Date.now() - started);
    if (io.logFormat === 'json' && !(args.quiet && entry.level === 'info')) writeLog(io, entry);
  };
  let outcome;
  try {
    outcome = await applyChanges(openWorld(config, progress.onEvent, runOptionsOf(args, io)), {
      identity: planIdentityOf(config),
      source: saved ?? { options: planOptionsFrom(args, config), approve: (plan) => {
        showPlan(plan);
        return confirmApply(args['auto-approve'], io, runOptionsOf(args, io));
      } },
      concurrency: config.apply.concurrency,
      exportsAhead: config.broker.concurrency,
      ...lockWaitFrom(args),
      ...(io.interrupt ? { signal: io.interrupt } : {}),
    });
  } finally {
    progress.stop();
  }
  const { plan, report } = outcome;
  if (report === null) {
    if (args.json) io.stdout.write(JSON.stringify({ mode: 'fresh', done: [], plan_id: plan.plan_id }, null, 2) + '\n');
    else if (!args.quiet) showPlan(plan);
    logSummary(plan.plan_id, null);
    return { code: EXIT.OK, report };
  }
  if (args.json) io.stdout.write(JSON.stringify({ plan_id: plan.plan_id, ...applyReportToJson(report) }, null, 2) + '\n');
  else if (!(args.quiet && report.mode === 'applied')) io.stdout.write(renderApplySummary(report, chalk) + renderRunLine(plan.plan_id, report, Date.now() - started));
  logSummary(plan.plan_id, report);
  if (report.failed.length > 0) writeProblems(io, report.failed.map((f) => f.problem), chalk);
  return { code: applyExitCode(report), report };
}

/**
 * `aktin-sftp apply [PLANFILE]`: executes a saved plan exactly, or plans and applies in one
 * run (after confirmation on a terminal, or with --auto-approve: the cron successor of
 * `python3 sftp_export.py config.toml`).
 */
import { resolve } from 'node:path';
import { applyChanges } from '../../app/apply-changes.js';
import type { Plan } from '../../core/plan.js';
import { planIdentityOf } from '../../core/plan-freshness.js';
import { ProblemError, problem } from '../../core/problem.js';
import type { CliCommand } from '../command.js';
import { applyExitCode, EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { loadConfigFor } from '../load-config.js';
import { openWorld, readPlanFile } from '../open-world.js';
import { planOptionsFrom, planSafetyOptions, type PlanSafetyArgs } from '../plan-options.js';
import { applyReportToJson, createApplyProgress, renderApplySummary } from '../render-apply.js';
import { renderPlan } from '../render-plan.js';
import { chalkFor, renderProblems } from '../render-problems.js';

interface ApplyArgs extends PlanSafetyArgs {
  readonly planfile?: string;
  readonly 'auto-approve': boolean;
  readonly json: boolean;
}

export const applyCommand: CliCommand<ApplyArgs> = {
  command: 'apply [planfile]',
  describe: 'Execute a saved plan, or plan and apply after confirmation (--auto-approve for cron)',
  builder: (y) =>
    planSafetyOptions(
      y
        .positional('planfile', { type: 'string', describe: 'A plan saved by `plan -o`; applying it is the approval' })
        .option('auto-approve', { type: 'boolean', default: false, describe: 'Apply without asking (no plan file: plan and apply at once)' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the apply report as JSON on stdout' }),
    ),
  epilog:
    'Exit codes: 0 applied (or nothing to do), 1 an action failed (finished actions stay recorded, nothing was deleted), ' +
    '3 the saved plan is stale (nothing changed), 4 the ledger is locked by another run, 130 interrupted.',
  run: async (args, io) => {
    const config = await loadConfigFor(args.config, io);
    const saved = args.planfile === undefined ? undefined : { saved: await readPlanFile(resolve(io.cwd, args.planfile)), file: args.planfile };
    const chalk = chalkFor(io, args.color);
    const showPlan = (plan: Plan) => {
      if (!args.json) io.stdout.write(renderPlan(plan, chalk, { saved: true }));
    };
    const progress = createApplyProgress(io, chalk);
    let outcome;
    try {
      outcome = await applyChanges(openWorld(config, progress.onEvent), {
        identity: planIdentityOf(config),
        source: saved ?? { options: planOptionsFrom(args, config), approve: (plan) => {
          showPlan(plan);
          return confirm(args, io);
        } },
        concurrency: config.apply.concurrency,
        ...(io.interrupt ? { signal: io.interrupt } : {}),
      });
    } finally {
      progress.stop();
    }
    const { plan, report } = outcome;
    if (report === null) {
      if (args.json) io.stdout.write(JSON.stringify({ mode: 'fresh', done: [], plan_id: plan.plan_id }, null, 2) + '\n');
      else showPlan(plan);
      return EXIT.OK;
    }
    if (args.json) io.stdout.write(JSON.stringify({ plan_id: plan.plan_id, ...applyReportToJson(report) }, null, 2) + '\n');
    else io.stdout.write(renderApplySummary(report, chalk));
    if (report.failed.length > 0) io.stderr.write(renderProblems(report.failed.map((f) => f.problem), chalk));
    return applyExitCode(report);
  },
};

async function confirm(args: ApplyArgs, io: CliIo): Promise<boolean> {
  if (args['auto-approve']) return true;
  if (!io.confirm) {
    throw new ProblemError(
      problem(
        'CONFIRMATION_REQUIRED',
        'apply needs a confirmation, and there is no terminal to ask',
        'Without a plan file, apply shows the plan and asks before changing anything.',
        "Save a plan with 'aktin-sftp plan -o PLANFILE' and run 'aktin-sftp apply PLANFILE', or pass --auto-approve (for cron).",
      ),
    );
  }
  return io.confirm('\nDo you want to perform these actions?\n  Only \'yes\' will be accepted to approve.\n\n  Enter a value: ');
}

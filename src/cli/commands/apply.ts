/**
 * `aktin-sftp apply [PLANFILE]`: executes a saved plan exactly, or plans and applies in one
 * run (after confirmation on a terminal, or with --auto-approve: the cron successor of
 * `python3 sftp_export.py config.toml`). Holds the ledger lock throughout.
 */
import { applyPlan, type ApplyReport } from '../../app/apply-plan.js';
import type { CurrentSnapshot } from '../../app/current-state.js';
import { makePlan } from '../../app/make-plan.js';
import { createFernetEncryptStream } from '../../adapters/fernet-stream.js';
import { acquireLedgerLock } from '../../adapters/ledger-lock.js';
import { readPlanFile } from '../../adapters/plan-file.js';
import { newPlanId, systemClock } from '../../adapters/system-clock.js';
import type { Config } from '../../core/config.js';
import { nonSecretConfigView } from '../../core/config-rules.js';
import { configDigest } from '../../core/digests.js';
import { hasChanges, type Plan } from '../../core/plan.js';
import { ProblemError, problem } from '../../core/problem.js';
import { TOOL_VERSION } from '../../core/version.js';
import type { CliCommand, GlobalArgs } from '../command.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { loadConfigFor, showWarnings } from '../load-config.js';
import { openWorld, type World } from '../open-world.js';
import { applyReportToJson, createApplyProgress, renderApplySummary } from '../render-apply.js';
import { renderPlan } from '../render-plan.js';
import { chalkFor, renderProblems } from '../render-problems.js';
import { planOptionsFrom, planSafetyOptions, type PlanSafetyArgs } from '../plan-options.js';

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
    const savedPlan = args.planfile === undefined ? undefined : await readSavedPlan(args.planfile, config);
    const lock = await acquireLedgerLock(config.workingDir, 'apply', {
      now: systemClock.now(),
      toolVersion: TOOL_VERSION,
      onWarning: (m) => showWarnings(io, [m]),
    });
    try {
      const world = await openWorld(config, { purpose: 'apply' });
      try {
        showWarnings(io, world.warnings);
        return await applyWith(world, config, savedPlan, args, io);
      } finally {
        await world.close();
      }
    } finally {
      await lock.release();
    }
  },
};

async function readSavedPlan(path: string, config: Config): Promise<Plan> {
  const plan = await readPlanFile(path);
  const mismatch =
    plan.tag !== config.tag
      ? `it is for tag '${plan.tag}', the configuration says '${config.tag}'`
      : plan.folder !== config.sftp.folder
        ? `it is for the SFTP folder '${plan.folder}', the configuration says '${config.sftp.folder}'`
        : plan.config_sha256 !== configDigest(nonSecretConfigView(config))
          ? 'it was made with a different configuration'
          : undefined;
  if (mismatch) {
    throw new ProblemError(
      problem('PLAN_STALE', `The saved plan ${path} does not belong to this configuration`, `The plan cannot be applied: ${mismatch}.`, "Run 'aktin-sftp plan' with this configuration and apply the new plan."),
    );
  }
  return plan;
}

async function applyWith(world: World, config: Config, saved: Plan | undefined, args: ApplyArgs & GlobalArgs, io: CliIo): Promise<number> {
  const chalk = chalkFor(io, args.color);
  let plan: Plan;
  let current: CurrentSnapshot | undefined;
  if (saved) plan = saved;
  else {
    const made = await makePlan(
      { ...world, newPlanId },
      { tag: config.tag, folder: config.sftp.folder, configSha256: configDigest(nonSecretConfigView(config)), options: planOptionsFrom(args, config) },
    );
    plan = made.plan;
    current = { ledger: made.ledger, listing: made.listing, snapshot: made.snapshot, inputs: made.plan.inputs };
    if (!args.json) io.stdout.write(renderPlan(plan, chalk, { saved: true }));
    if (!hasChanges(plan)) {
      if (args.json) io.stdout.write(JSON.stringify({ mode: 'fresh', done: [], plan_id: plan.plan_id }, null, 2) + '\n');
      return EXIT.OK;
    }
    await confirm(args, io);
  }

  const progress = createApplyProgress(io, chalk, plan.actions.length);
  let report: ApplyReport;
  try {
    report = await applyPlan(
      {
        broker: world.broker,
        remote: world.remote,
        ledgerStore: world.ledgerStore,
        clock: world.clock,
        encryptor: () => createFernetEncryptStream(world.key!),
        events: progress.onEvent,
        ...(io.interrupt ? { signal: io.interrupt } : {}),
      },
      plan,
      { concurrency: config.apply.concurrency, ...(current ? { current } : {}) },
    );
  } finally {
    progress.stop();
  }

  if (args.json) io.stdout.write(JSON.stringify({ plan_id: plan.plan_id, ...applyReportToJson(report) }, null, 2) + '\n');
  else io.stdout.write(renderApplySummary(report, chalk));
  if (report.failed.length > 0) {
    io.stderr.write(renderProblems(report.failed.map((f) => f.problem), chalk));
    return report.failed.every((f) => f.problem.code === 'PLAN_STALE') ? EXIT.STALE_PLAN : EXIT.ERROR;
  }
  return report.interrupted ? EXIT.INTERRUPTED : EXIT.OK;
}

async function confirm(args: ApplyArgs, io: CliIo): Promise<void> {
  if (args['auto-approve']) return;
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
  const yes = await io.confirm('\nDo you want to perform these actions?\n  Only \'yes\' will be accepted to approve.\n\n  Enter a value: ');
  if (!yes) throw new ProblemError(problem('CONFIRMATION_REQUIRED', 'Apply cancelled', 'Nothing was changed.'));
}

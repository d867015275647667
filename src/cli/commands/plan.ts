/**
 * `aktin-sftp plan`: read-only. Reads the broker, the ledger and the SFTP folder, prints what
 * apply would do and why, and saves the plan for `apply PLANFILE` with -o.
 */
import { resolve } from 'node:path';
import { makePlan } from '../../app/make-plan.js';
import { renderCommandLine } from '../../core/command-line.js';
import { planIdentityOf } from '../../core/plan-freshness.js';
import type { CliCommand } from '../command.js';
import { planExitCode } from '../exit-codes.js';
import { loadConfigFor } from '../load-config.js';
import { ownFilesOf, refuseOwnFilesAsOutputs } from '../own-files.js';
import { openWorld, writePlanFile } from '../open-world.js';
import { checkPlanKey } from '../plan-key-check.js';
import { planOptionsFrom, planSafetyOptions, type PlanSafetyArgs } from '../plan-options.js';
import { warningsTo } from '../render-events.js';
import { renderLedgerDiff } from '../render-ledger-diff.js';
import { renderPlan, renderPlanJson } from '../render-plan.js';
import { chalkFor } from '../render-problems.js';
import { runOptionsOf } from '../run-options.js';

interface PlanArgs extends PlanSafetyArgs {
  readonly out?: string;
  readonly json: boolean;
  readonly 'detailed-exitcode': boolean;
  readonly diff: boolean;
}

export const planCommand: CliCommand<PlanArgs> = {
  command: 'plan',
  describe: 'Show what apply would change and why (read-only); save it with -o for apply',
  builder: (y) =>
    planSafetyOptions(
      y
        .option('out', { alias: 'o', type: 'string', describe: 'Save the plan as JSON for `aktin-sftp apply PLANFILE`' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the plan document as JSON on stdout (schemas/plan.schema.json)' })
        .option('detailed-exitcode', { type: 'boolean', default: false, describe: 'Exit 0 for no changes, 2 for changes, 1 for errors' })
        .option('diff', { type: 'boolean', default: false, describe: 'Also show the ledger change as a unified diff of status.xml' })
        .example('$0 plan -o plan.json', 'review, then run: aktin-sftp apply plan.json')
        .example('$0 plan --detailed-exitcode --only 12,14', 'exit 2 when requests 12 or 14 would change')
        .example('$0 plan --diff', 'also the status.xml change, as a diff'),
    ),
  epilog:
    'Never writes to the broker or the SFTP server; only -o writes the plan file. ' +
    'Checks the key file apply will need: an invalid one fails the plan (KEY_INVALID, exit 1); a missing one (a CI plan job without secrets) is said in a notice.',
  run: async (args, io) => {
    const config = await loadConfigFor(args, io, { keyFileMayBeMissing: true });
    await refuseOwnFilesAsOutputs([{ option: '-o', path: args.out === undefined ? undefined : resolve(io.cwd, args.out) }], ownFilesOf(config));
    const encryptor = await checkPlanKey(config, io, args);
    const world = openWorld(config, warningsTo(io, args), runOptionsOf(args, io));
    const { plan, ledgerPreview } = await makePlan(world, { identity: planIdentityOf(config), options: planOptionsFrom(args, config), previewLedger: args.diff, encryptor });
    if (args.out !== undefined) await writePlanFile(resolve(io.cwd, args.out), plan);
    const chalk = chalkFor(io, args.color);
    if (args.json) io.stdout.write(renderPlanJson(plan));
    else {
      io.stdout.write(renderPlan(plan, chalk, { saved: args.out !== undefined }));
      if (ledgerPreview && plan.actions.length > 0) io.stdout.write('\n' + renderLedgerDiff(ledgerPreview, plan.created_at, chalk));
      if (args.out !== undefined) io.stdout.write(`\nSaved the plan to ${args.out}. To perform exactly these actions, run: ${renderCommandLine(['apply', args.out], runOptionsOf(args, io))}\n`);
    }
    return planExitCode(plan, args['detailed-exitcode']);
  },
};

/**
 * `aktin-sftp show PLANFILE`: renders a saved plan, validated against the plan schema.
 */
import { resolve } from 'node:path';
import { TOOL_VERSION } from '../../core/version.js';
import type { CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { showWarnings } from '../load-config.js';
import { readPlanFile } from '../open-world.js';
import { renderPlan, renderPlanJson } from '../render-plan.js';
import { chalkFor } from '../render-problems.js';

interface ShowArgs {
  readonly planfile: string;
  readonly json: boolean;
}

export const showCommand: CliCommand<ShowArgs> = {
  command: 'show <planfile>',
  describe: 'Render a saved plan (human, or --json)',
  builder: (y) =>
    y
      .positional('planfile', { type: 'string', demandOption: true, describe: 'A plan saved by `plan -o`' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the plan document as JSON' }),
  run: async (args, io) => {
    const plan = await readPlanFile(resolve(io.cwd, args.planfile));
    if (plan.tool_version !== TOOL_VERSION) {
      showWarnings(io, [`${args.planfile} was made by aktin-sftp ${plan.tool_version}; this is ${TOOL_VERSION}.`]);
    }
    io.stdout.write(args.json ? renderPlanJson(plan) : `Plan ${plan.plan_id}, made ${plan.created_at}\n\n` + renderPlan(plan, chalkFor(io, args.color), { saved: true }));
    return EXIT.OK;
  },
};

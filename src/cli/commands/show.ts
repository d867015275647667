/**
 * `aktin-sftp show PLANFILE`: renders a saved plan, validated against the plan schema, for
 * people (human), machines (json: the plan document) or a pull request (markdown).
 */
import { resolve } from 'node:path';
import { ProblemError, problem } from '../../core/problem.js';
import { TOOL_VERSION } from '../../core/version.js';
import type { CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { showWarnings } from '../load-config.js';
import { readPlanFile } from '../open-world.js';
import { renderPlanMarkdown } from '../render-plan-markdown.js';
import { renderPlan, renderPlanJson } from '../render-plan.js';
import { chalkFor } from '../render-problems.js';

export const SHOW_FORMATS = ['human', 'json', 'markdown'] as const;
type ShowFormat = (typeof SHOW_FORMATS)[number];

interface ShowArgs {
  readonly planfile: string;
  readonly json: boolean;
  readonly format?: ShowFormat;
}

export const showCommand: CliCommand<ShowArgs> = {
  command: 'show <planfile>',
  describe: 'Render a saved plan (human, json or markdown)',
  builder: (y) =>
    y
      .positional('planfile', { type: 'string', demandOption: true, describe: 'A plan saved by `plan -o`' })
      .option('format', { choices: SHOW_FORMATS, describe: 'human (default), json (the plan document, schemas/plan.schema.json) or markdown (for a pull request or $GITHUB_STEP_SUMMARY)' })
      .option('json', { type: 'boolean', default: false, describe: 'The same as --format json' })
      .example('$0 show plan.json', 'review a saved plan')
      .example('$0 show plan.json --format markdown', 'a Markdown table for a pull request or $GITHUB_STEP_SUMMARY'),
  run: async (args, io) => {
    const format = formatOf(args);
    const plan = await readPlanFile(resolve(io.cwd, args.planfile));
    if (plan.tool_version !== TOOL_VERSION) {
      showWarnings(io, args, [`${args.planfile} was made by aktin-sftp ${plan.tool_version}; this is ${TOOL_VERSION}.`]);
    }
    if (format === 'json') io.stdout.write(renderPlanJson(plan));
    else if (format === 'markdown') io.stdout.write(renderPlanMarkdown(plan));
    else io.stdout.write(`Plan ${plan.plan_id}, made ${plan.created_at}\n\n` + renderPlan(plan, chalkFor(io, args.color), { saved: true }));
    return EXIT.OK;
  },
};

/** `--json` is kept as the short form of `--format json`; asking for two formats at once is a usage error. */
function formatOf(args: ShowArgs): ShowFormat {
  if (args.json && args.format !== undefined && args.format !== 'json') {
    throw new ProblemError(problem('USAGE', `show got --json and --format ${args.format}`, '--json is the same as --format json.', 'Give one of them.'));
  }
  return args.json ? 'json' : (args.format ?? 'human');
}

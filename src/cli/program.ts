/**
 * The command line: yargs wiring, help text, and the mapping of failures to exit codes.
 * Together with the renderers it is the only home of yargs, chalk, stdout and stderr.
 */
import yargs, { type Argv } from 'yargs';
import { isProblemError } from '../core/problem.js';
import { TOOL_VERSION } from '../core/version.js';
import type { CliCommand, GlobalArgs } from './command.js';
import { applyCommand } from './commands/apply.js';
import { decryptCommand } from './commands/decrypt.js';
import { driftCommand } from './commands/drift.js';
import { forceUnlockCommand } from './commands/force-unlock.js';
import { keygenCommand } from './commands/keygen.js';
import { planCommand } from './commands/plan.js';
import { showCommand } from './commands/show.js';
import { validateCommand } from './commands/validate.js';
import { EXIT, EXIT_CODES_HELP, exitCodeFor } from './exit-codes.js';
import type { CliIo } from './io.js';
import { chalkFor, problemsToJson, renderProblems } from './render-problems.js';

const COMMANDS: readonly CliCommand<any>[] = [
  planCommand,
  applyCommand,
  showCommand,
  driftCommand,
  validateCommand,
  keygenCommand,
  decryptCommand,
  forceUnlockCommand,
];

const INTRO = `aktin-sftp ships the results of tagged AKTIN Broker requests to an SFTP folder,
Fernet-encrypted, as a plan/apply reconciler.

  aktin-sftp plan -o tfplan.json     review what would change (read-only)
  aktin-sftp apply tfplan.json       execute exactly that plan
  aktin-sftp apply --auto-approve    plan and apply in one go (the cron job)
  aktin-sftp drift                   compare the ledger with the SFTP folder`;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.OK;
  let usageError: string | undefined;
  const wantsJson = argv.includes('--json');

  const parser: Argv<GlobalArgs> = yargs()
    .scriptName('aktin-sftp')
    .usage(INTRO)
    .option('config', {
      alias: 'c',
      type: 'string',
      default: io.env.AKTIN_SFTP_CONFIG ?? 'config.toml',
      defaultDescription: '$AKTIN_SFTP_CONFIG or ./config.toml',
      describe: 'The TOML configuration file (the original tool\'s format is accepted)',
      global: true,
    })
    .option('color', { type: 'boolean', default: true, describe: 'Colour output (also off with NO_COLOR or when not a terminal)', global: true })
    .strict()
    .demandCommand(1, 'Name a command; see --help.')
    .recommendCommands()
    .epilog(EXIT_CODES_HELP)
    .version(TOOL_VERSION)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      usageError = message;
    });

  for (const command of COMMANDS) {
    parser.command(
      command.command,
      command.describe,
      (y) => (command.epilog ? command.builder(y).epilog(command.epilog) : command.builder(y)),
      async (args) => {
        exitCode = await command.run(args as never, io);
      },
    );
  }

  try {
    await parser.parseAsync([...argv], {}, (error, _argv, output) => {
      if (output && !error) io.stdout.write(output + '\n');
      else if (output) usageError ??= output;
    });
  } catch (error) {
    return reportFailure(error, io, wantsJson);
  }
  if (usageError !== undefined) {
    io.stderr.write(`${usageError}\nRun 'aktin-sftp --help' for usage.\n`);
    return EXIT.USAGE;
  }
  return exitCode;
}

function reportFailure(error: unknown, io: CliIo, json: boolean): number {
  if (isProblemError(error)) {
    if (json) io.stdout.write(JSON.stringify(problemsToJson(error.problems), null, 2) + '\n');
    io.stderr.write(renderProblems(error.problems, chalkFor(io)));
    return exitCodeFor(error.code);
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`${stack}\n\nThis is a bug in aktin-sftp ${TOOL_VERSION}; please report it with the lines above.\n`);
  return EXIT.ERROR;
}

/**
 * The command line: yargs wiring, help text, and the mapping of failures to exit codes.
 * Together with the renderers it is the only home of yargs, chalk, stdout and stderr.
 */
import yargs, { type Argv } from 'yargs';
import { isProblemError, ProblemError, problem, type Problem } from '../core/problem.js';
import { TOOL_VERSION } from '../core/version.js';
import { readColorOption, type ColorChoice } from './color.js';
import type { CliCommand, GlobalArgs } from './command.js';
import { EXIT, EXIT_CODES_HELP, exitCodeFor } from './exit-codes.js';
import type { CliIo } from './io.js';
import { readLogFormatOption, type LogFormat } from './log-format.js';
import { logInterrupt } from './log-events.js';
import { writeProblems } from './log-lines.js';
import { checkCommandLine, missingArgumentTitle, type OptionTables, type ValueRules } from './option-checks.js';
import { positionals } from './option-names.js';
import { LOCK_OPTION_RULES } from './lock-options.js';
import { PLAN_OPTION_RULES } from './plan-options.js';
import { chalkFor, problemsToJson } from './render-problems.js';

// Each command has its own argument type, which yargs fills; the table cannot name them all.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CliCommand<any>;

/**
 * The commands in --help order, each imported only when it is needed: a run loads the one it
 * names (and what that one uses), so start-up does not pay for the modules of the other nine.
 */
const COMMAND_MODULES: readonly (readonly [string, () => Promise<AnyCommand>])[] = [
  ['plan', async () => (await import('./commands/plan.js')).planCommand],
  ['apply', async () => (await import('./commands/apply.js')).applyCommand],
  ['show', async () => (await import('./commands/show.js')).showCommand],
  ['drift', async () => (await import('./commands/drift.js')).driftCommand],
  ['validate', async () => (await import('./commands/validate.js')).validateCommand],
  ['keygen', async () => (await import('./commands/keygen.js')).keygenCommand],
  ['decrypt', async () => (await import('./commands/decrypt.js')).decryptCommand],
  ['force-unlock', async () => (await import('./commands/force-unlock.js')).forceUnlockCommand],
  ['watch', async () => (await import('./commands/watch.js')).watchCommand],
  ['ledger', async () => (await import('./commands/ledger.js')).ledgerCommand],
  ['completion', async () => (await import('./commands/completion.js')).completionCommand],
];

/**
 * The commands this command line needs: the one it names; none for a bare --version (yargs
 * answers it before it looks at commands); all of them for --help, no command or an unknown one,
 * so the list and "did you mean" stay complete.
 */
async function commandsFor(argv: readonly string[]): Promise<readonly AnyCommand[]> {
  const name = commandWord(argv);
  const named = COMMAND_MODULES.find(([n]) => n === name);
  if (named) return [await named[1]()];
  if (name === undefined && argv.includes('--version') && !asksForHelp(argv)) return [];
  return Promise.all(COMMAND_MODULES.map(([, load]) => load()));
}

/** --help, or -h alone or in a group of short options (-qh). */
function asksForHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--help' || /^-[a-zA-Z]*h/.test(a));
}

/** The first word that is neither an option nor the value of a global one (-c FILE). */
function commandWord(argv: readonly string[]): string | undefined {
  return argv.find((a, i) => !a.startsWith('-') && !/^(-c|--config|--color|--log-format)$/.test(argv[i - 1] ?? ''));
}

/** The value rules of options: one place, applied before any command runs. */
const VALUE_RULES: ValueRules = { color: readColorOption, 'log-format': readLogFormatOption, ...PLAN_OPTION_RULES, ...LOCK_OPTION_RULES };

const INTRO = `aktin-sftp ships the results of tagged AKTIN Broker requests to an SFTP folder,
encrypted for their recipients, as a plan/apply reconciler.

  aktin-sftp plan -o tfplan.json     review what would change (read-only)
  aktin-sftp apply tfplan.json       execute exactly that plan
  aktin-sftp apply --auto-approve    plan and apply in one go (the cron job)
  aktin-sftp drift                   compare the ledger with the SFTP folder`;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.OK;
  const wantsJson = argv.includes('--json');
  // Known once the words are parsed; a failure before that is shown as --color auto shows it.
  let color: ColorChoice = 'auto';
  let logFormat: LogFormat = 'text';
  const COMMANDS = await commandsFor(argv);

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
    .option('color', {
      type: 'string',
      default: 'auto',
      describe: 'Colour: auto (a terminal, unless NO_COLOR is set or TERM=dumb; FORCE_COLOR forces it), always or never (also --no-color)',
      global: true,
    })
    .option('log-format', {
      type: 'string',
      default: 'text',
      describe: 'How stderr logs: text (off a terminal each line after an ISO timestamp and its level) or json (one object per line: time, level, event; schemas/log-event.schema.json). stdout is not affected',
      global: true,
    })
    .strict()
    .demandCommand(1, 'Name a command; see --help.')
    .recommendCommands()
    .epilog(EXIT_CODES_HELP)
    .version(TOOL_VERSION)
    .help()
    .alias('h', 'help')
    // yargs renders the named command's whole help before it runs it, shown or not; wrapping
    // that text cost ~20 ms of CPU at the start of every run. Only --help shows it.
    .wrap(asksForHelp(argv) ? Math.min(80, process.stdout.columns ?? 80) : null)
    .exitProcess(false)
    // Before yargs' own validation and before any command: every usage error stops the run here.
    .middleware(((args: Record<string, unknown> & { _: (string | number)[] }, y: { getOptions(): unknown }) => {
      // Read first, so that even a usage error is logged as asked.
      if (readLogFormatOption(args['log-format']).ok) logFormat = args['log-format'] as LogFormat;
      const name = String(args._[0] ?? '');
      const command = COMMANDS.find((c) => c.command.split(' ')[0] === name);
      if (name !== '' && !command) return; // an unknown command: yargs says which ones exist
      const shape = command ? { name, usage: command.command } : undefined;
      const problems = checkCommandLine(argv, args, y.getOptions() as OptionTables, shape, VALUE_RULES);
      if (typeof args.color === 'string') color = args.color as ColorChoice;
      if (problems.length > 0) throw new ProblemError(problems);
    }) as never, true)
    // yargs calls this for its own validation failures and for errors thrown while parsing
    // (a coerce rule, the middleware) or by a command. Throwing ends the parse: the command
    // does not run. (Only recording the message here let `apply --auto-approve --dry-runn`
    // upload first and complain after.)
    .fail((message, error) => {
      if (error) throw error;
      throw new ProblemError(usageProblem(message ?? 'Invalid command line', argv, COMMANDS));
    }) as unknown as Argv<GlobalArgs>;

  for (const command of COMMANDS) {
    parser.command(
      command.command,
      command.describe,
      (y) => (command.epilog ? command.builder(y).epilog(command.epilog) : command.builder(y)),
      async (args) => {
        exitCode = await command.run(args, { ...io, logFormat });
      },
    );
  }

  const stopInterruptLog = logInterrupt(io, () => logFormat);
  try {
    await parser.parseAsync([...argv], {}, (error, _argv, output) => {
      if (output && !error) io.stdout.write(output + '\n');
    });
  } catch (error) {
    return reportFailure(error, { ...io, logFormat }, wantsJson, color);
  } finally {
    stopInterruptLog();
  }
  return exitCode;
}

/** yargs' own messages, in our words where they are terse. */
function usageProblem(message: string, argv: readonly string[], commands: readonly AnyCommand[]): Problem {
  const command = commands.find((c) => argv.includes(c.command.split(' ')[0]!));
  const name = command?.command.split(' ')[0];
  const hint = `Run 'aktin-sftp ${name ? `${name} ` : ''}--help' for usage.`;
  const recommended = /^Did you mean (\S+)\?/.exec(message);
  if (recommended) {
    const word = commandWord(argv) ?? '';
    return problem('USAGE', `Unknown command ${JSON.stringify(word)} (did you mean ${recommended[1]}?)`, undefined, hint);
  }
  const positional = /^Not enough non-option arguments: got (\d+)/.exec(message);
  if (positional && command) {
    const missing = positionals({ name: name!, usage: command.command }).filter((p) => p.required)[Number(positional[1])];
    if (missing) return problem('USAGE', missingArgumentTitle({ name: name!, usage: command.command }, missing.name), undefined, hint);
  }
  return problem('USAGE', message.replace(/^Unknown arguments?: /, 'Unexpected argument: '), undefined, hint);
}

function reportFailure(error: unknown, io: CliIo, json: boolean, color: ColorChoice): number {
  if (isProblemError(error)) {
    if (json) io.stdout.write(JSON.stringify(problemsToJson(error.problems), null, 2) + '\n');
    writeProblems(io, error.problems, chalkFor(io, color));
    return exitCodeFor(error.code);
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`${stack}\n\nThis is a bug in aktin-sftp ${TOOL_VERSION}; please report it with the lines above.\n`);
  return EXIT.ERROR;
}

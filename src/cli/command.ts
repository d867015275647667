/**
 * The shape of one sub-command: yargs options (pure parsing) and a run function that returns
 * the exit code. Commands print only through CliIo.
 */
import type { Argv } from 'yargs';
import type { ColorChoice } from './color.js';
import type { CliIo } from './io.js';
import type { LogFormat } from './log-format.js';

export interface GlobalArgs {
  readonly config: string;
  /** `--color auto|always|never`; `--no-color` arrives as 'never'. Pass it to chalkFor. */
  readonly color: ColorChoice;
  /** `--log-format text|json`; commands see it as io.logFormat. */
  readonly 'log-format': LogFormat;
}

export interface CliCommand<A extends object = Record<string, unknown>> {
  readonly command: string;
  readonly describe: string;
  readonly builder: (yargs: Argv<GlobalArgs>) => Argv<A>;
  readonly run: (args: A & GlobalArgs, io: CliIo) => Promise<number>;
  /** Extra text after the options in `--help`. */
  readonly epilog?: string;
}

/**
 * For commands that read no configuration (keygen, decrypt, completion): --config is global,
 * so it is still accepted there, but their --help and completions do not offer it.
 */
export function hideConfigOption<A>(y: Argv<A>): Argv<A> {
  return y.hide('config').hide('c');
}

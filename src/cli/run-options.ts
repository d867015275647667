/**
 * The options this run was given that a suggested command must repeat (core/command-line.ts):
 * `--config` unless it is the default a bare command would read, `--log-format` unless text.
 */
import type { RunOptions } from '../core/command-line.js';
import type { GlobalArgs } from './command.js';
import type { CliIo } from './io.js';

export function runOptionsOf(args: Pick<GlobalArgs, 'config' | 'log-format'>, io: Pick<CliIo, 'env'>): RunOptions {
  const defaultConfig = io.env.AKTIN_SFTP_CONFIG ?? 'config.toml';
  return {
    ...(args.config === defaultConfig ? {} : { config: args.config }),
    ...(args['log-format'] === 'text' ? {} : { logFormat: args['log-format'] }),
  };
}

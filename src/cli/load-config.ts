/**
 * Loads the configuration named by `--config` for a command and shows its warnings.
 */
import { resolve } from 'node:path';
import type { Config } from '../core/config.js';
import { shownText } from '../core/shown-value.js';
import type { GlobalArgs } from './command.js';
import type { CliIo } from './io.js';
import { writeLog } from './log-lines.js';
import { loadConfig } from './open-world.js';
import { chalkFor } from './render-problems.js';

/**
 * For commands that connect. A missing host key is let through here on purpose: the SFTP
 * adapter still refuses the server, and its refusal shows the fingerprint to pin.
 */
export async function loadConfigFor(args: GlobalArgs, io: CliIo, options: { keyFileMayBeMissing?: boolean } = {}): Promise<Config> {
  const { config, warnings } = await loadConfig(resolve(io.cwd, args.config), io.env, { allowMissingHostKey: true, ...options });
  showWarnings(io, args, warnings);
  return config;
}

/** Warnings on stderr, coloured as `--color` says (the command's args carry it), or as JSON log lines. */
export function showWarnings(io: CliIo, args: Pick<GlobalArgs, 'color'>, warnings: readonly string[]): void {
  const chalk = chalkFor(io, args.color);
  for (const warning of warnings.map((w) => shownText(w))) writeLog(io, { level: 'warn', event: 'warning', message: warning }, { text: `${chalk.yellow('Warning:')} ${warning}` });
}

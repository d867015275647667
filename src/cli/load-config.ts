/**
 * Loads the configuration named by `--config` for a command and shows its warnings.
 */
import { resolve } from 'node:path';
import { loadConfig } from '../adapters/config-file.js';
import type { Config } from '../core/config.js';
import type { CliIo } from './io.js';
import { chalkFor } from './render-problems.js';

export async function loadConfigFor(path: string, io: CliIo, options: { allowMissingHostKey?: boolean } = {}): Promise<Config> {
  const { config, warnings } = await loadConfig(resolve(io.cwd, path), io.env, options);
  showWarnings(io, warnings);
  return config;
}

export function showWarnings(io: CliIo, warnings: readonly string[]): void {
  const chalk = chalkFor(io);
  for (const warning of warnings) io.stderr.write(`${chalk.yellow('Warning:')} ${warning}\n`);
}

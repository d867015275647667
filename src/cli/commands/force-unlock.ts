/**
 * `aktin-sftp force-unlock LOCK_ID`: removes the ledger lock of a run that can no longer
 * release it (killed on another host, or a lock this host cannot prove dead). The ID must match
 * the lock's, so an unlock never hits a lock other than the one the user looked at.
 */
import { resolve } from 'node:path';
import { ProblemError, problem } from '../../core/problem.js';
import type { CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { showWarnings } from '../load-config.js';
import { loadConfig, openWorld } from '../open-world.js';
import { warningsTo } from '../render-events.js';
import { chalkFor } from '../render-problems.js';

interface ForceUnlockArgs {
  readonly lock_id: string;
}

export const forceUnlockCommand: CliCommand<ForceUnlockArgs> = {
  command: 'force-unlock <lock_id>',
  describe: 'Remove the ledger lock left by a run that is no longer active',
  builder: (y) => y.positional('lock_id', { type: 'string', demandOption: true, describe: 'The ID shown in the "Lock Info" of the LEDGER_LOCKED error' }),
  epilog:
    'Only use it when you are sure no other run is active: two runs writing the ledger at once lose updates.\n' +
    'Exit codes: 0 removed, 4 the ID does not match the lock, 64 no lock or invalid configuration.',
  run: async (args, io) => {
    if (!args.lock_id) {
      throw new ProblemError(problem('USAGE', 'force-unlock needs the lock ID', 'Usage: aktin-sftp force-unlock LOCK_ID [-c FILE]', 'Take the ID from the "Lock Info" that the locked run printed (or from status.xml.lock in the working directory).'));
    }
    // Only WORKING_DIR matters here: do not refuse because of a missing key file or pin.
    const { config, warnings } = await loadConfig(resolve(io.cwd, args.config), io.env, { allowMissingHostKey: true, checkPaths: false });
    showWarnings(io, warnings);
    const holder = await openWorld(config, warningsTo(io)).ledgerStore.forceUnlock(String(args.lock_id));
    const chalk = chalkFor(io, args.color);
    io.stdout.write(
      `${chalk.green('✓')} Removed the ledger lock ${holder.id} (${holder.operation} by ${holder.who}, pid ${holder.pid}, since ${holder.created}).\n` +
        'If that run is in fact still active, stop it: it no longer holds the lock.\n',
    );
    return EXIT.OK;
  },
};

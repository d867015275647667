/**
 * `aktin-sftp force-unlock LOCK_ID`: removes the ledger lock of a run that can no longer
 * release it (killed on another host, or a lock this host cannot prove dead). The ID must match
 * the lock's, so an unlock never hits a lock other than the one the user looked at.
 */
import { resolve } from 'node:path';
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
  builder: (y) =>
    y
      .positional('lock_id', { type: 'string', demandOption: true, describe: 'The ID shown in the "Lock Info" of the LEDGER_LOCKED error' })
      .example('$0 force-unlock 9f1c2e4a-0b7d-4c3e-8a51-2d6f0e9b7c13 -c settings.toml', 'the ID as the LEDGER_LOCKED error showed it'),
  epilog:
    'Only use it when you are sure no other run is active: two runs writing the\n' +
    'ledger at once lose updates.\n' +
    'Exit codes: 0 removed, 4 the ID does not match the lock, 64 no lock or invalid configuration.',
  run: async (args, io) => {
    // Only WORKING_DIR matters here: do not refuse because of a missing key file or pin.
    const { config, warnings } = await loadConfig(resolve(io.cwd, args.config), io.env, { allowMissingHostKey: true, checkPaths: false });
    showWarnings(io, args, warnings);
    const holder = await openWorld(config, warningsTo(io, args)).ledgerStore.forceUnlock(String(args.lock_id));
    const chalk = chalkFor(io, args.color);
    io.stdout.write(
      `${chalk.green('✓')} Removed the ledger lock ${holder.id} (${holder.operation} by ${holder.who}, pid ${holder.pid}, since ${holder.created}).\n` +
        'If that run is in fact still active, stop it: it no longer holds the lock.\n',
    );
    return EXIT.OK;
  },
};

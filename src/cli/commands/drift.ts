/**
 * `aktin-sftp drift`: read-only comparison of the ledger with the SFTP folder.
 */
import { findDrift } from '../../app/detect-drift.js';
import type { CliCommand } from '../command.js';
import { driftExitCode } from '../exit-codes.js';
import { loadConfigFor } from '../load-config.js';
import { openWorld } from '../open-world.js';
import { driftToJson, renderDrift } from '../render-drift.js';
import { warningsTo } from '../render-events.js';
import { chalkFor } from '../render-problems.js';
import { runOptionsOf } from '../run-options.js';

interface DriftArgs {
  readonly json: boolean;
  readonly checksum: boolean;
}

export const driftCommand: CliCommand<DriftArgs> = {
  command: 'drift',
  describe: 'Compare the ledger with the SFTP folder (read-only): missing or wrong-sized files, orphans, leftovers',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'Print the findings as JSON on stdout' })
      .option('checksum', {
        type: 'boolean',
        default: false,
        describe: 'Also read every uploaded file and compare its SHA-256 with the token digest the ledger recorded (finds same-size changes; reads [APPLY] CONCURRENCY files at once)',
      })
      .example('$0 drift -c settings.toml', 'exit 2 and a list when the folder and the ledger disagree')
      .example('$0 drift --checksum', 'compare the bytes on the server too, not only names and sizes')
      .example('$0 drift --json | jq .items', 'the findings, for a monitoring script'),
  epilog: 'Exit codes: 0 no drift, 2 drift found (with --checksum also a file whose bytes differ), 1 error, 130 interrupted. Never writes to the SFTP server, the ledger or the broker.',
  run: async (args, io) => {
    const config = await loadConfigFor(args, io);
    const report = await findDrift(openWorld(config, warningsTo(io, args), runOptionsOf(args, io)), {
      ...(args.checksum ? { checksum: { concurrency: config.apply.concurrency } } : {}),
      ...(io.interrupt ? { signal: io.interrupt } : {}),
    });
    if (args.json) io.stdout.write(JSON.stringify(driftToJson(report), null, 2) + '\n');
    else io.stdout.write(renderDrift(report, chalkFor(io, args.color), runOptionsOf(args, io)));
    return driftExitCode(report);
  },
};

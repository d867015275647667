/**
 * `aktin-sftp ledger`: lists what the ledger holds (Terraform's `state list`), as a table or
 * JSON. Local and read-only: no network, nothing written.
 */
import { inspectLedger, type LedgerInspection } from '../../app/inspect-ledger.js';
import type { CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { loadConfigFor } from '../load-config.js';
import { openWorld } from '../open-world.js';
import { warningsTo } from '../render-events.js';

interface LedgerArgs {
  readonly json: boolean;
}

export const ledgerCommand: CliCommand<LedgerArgs> = {
  command: 'ledger',
  describe: 'List what the ledger holds: each request\'s completion, upload times, token size and state (read-only, no network)',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'Print the entries as JSON (schemas/ledger.schema.json)' })
      .example('$0 ledger -c settings.toml', 'one line per request')
      .example('$0 ledger --json | jq \'.entries[] | select(.state == "deleted")\'', 'the tombstones'),
  run: async (args, io) => {
    const config = await loadConfigFor(args, io);
    const view = await inspectLedger(openWorld(config, warningsTo(io, args)));
    io.stdout.write(args.json ? JSON.stringify(toJson(view), null, 2) + '\n' : renderLedger(view));
    return EXIT.OK;
  },
};

function toJson(view: LedgerInspection): object {
  return {
    path: view.path,
    exists: view.exists,
    lineage: view.lineage,
    serial: view.serial,
    entries: view.entries.map((e) => ({
      id: e.id,
      state: e.state,
      completion: e.completion,
      uploaded: e.uploaded,
      last_update: e.lastUpdate ?? null,
      deleted: e.deleted ?? null,
      token_size: e.tokenSize ?? null,
      plan: e.plan ?? null,
    })),
  };
}

function renderLedger(view: LedgerInspection): string {
  if (!view.exists) return `The ledger ${view.path} does not exist yet (the first apply creates it).\n`;
  const rows = view.entries.map((e) => [e.id, e.state, e.completion, e.uploaded, e.lastUpdate ?? '-', e.tokenSize === undefined ? '-' : String(e.tokenSize)]);
  const header = ['ID', 'STATE', 'COMPLETION', 'UPLOADED (UTC)', 'LAST UPDATE (UTC)', 'TOKEN BYTES'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const live = view.entries.filter((e) => e.state !== 'deleted').length;
  return [line(header), ...rows.map(line), '', `${view.path}: ${view.entries.length} entries (${live} live), serial ${view.serial}${view.lineage ? '' : ', written by the original tool'}.`, ''].join('\n');
}

/**
 * Drift as people read it, one line per finding with rclone-check-like symbols, and as JSON.
 */
import type { ChalkInstance } from 'chalk';
import type { DriftReport } from '../app/detect-drift.js';
import { renderCommandLine, type RunOptions } from '../core/command-line.js';
import { isDrift, type DriftItem } from '../core/drift.js';

const SYMBOL: Record<DriftItem['kind'], string> = {
  missing: '+',
  size_mismatch: '*',
  orphan: '-',
  superseded: '-',
  stray_temp: '~',
  remote_ledger_missing: '+',
  remote_ledger_stale: '*',
  obstacle: '!',
  foreign: '?',
  content_mismatch: '*',
  not_checkable: '?',
};

/** Enough of a SHA-256 to tell two apart on a line; the JSON has all of it. */
const short = (sha256: string | undefined) => `${(sha256 ?? '').slice(0, 12)}…`;

function sentence(item: DriftItem): string {
  switch (item.kind) {
    case 'missing':
      return `missing on the server (the ledger says request ${item.request_id} was uploaded)`;
    case 'size_mismatch':
      return `has ${item.actual_size} bytes, the uploaded token had ${item.expected_size}`;
    case 'orphan':
      return `not in the ledger as a live upload (request ${item.request_id}); removed only by plan/apply --prune-orphans`;
    case 'superseded':
      return `request ${item.request_id}'s file under the name of a scheme it is no longer sealed with (a change of scheme did not finish); the next apply removes it`;
    case 'stray_temp':
      return 'leftover of an interrupted upload; the next apply removes it';
    case 'remote_ledger_missing':
      return 'the remote copy of the ledger is missing';
    case 'remote_ledger_stale':
      return 'the remote copy of the ledger differs from the local ledger';
    case 'obstacle':
      return `not a regular file: it blocks ${item.request_id === null ? 'the ledger copy' : `request ${item.request_id}`} until it is moved away`;
    case 'foreign':
      return 'not a file aktin-sftp writes; left alone';
    case 'content_mismatch':
      return `content differs from the uploaded token (sha256 ${short(item.actual_sha256)}, the ledger recorded ${short(item.expected_sha256)}); the size is right, so plan does not see it: move the file away on the server and plan replaces it`;
    case 'not_checkable':
      return `not checkable: the ledger records no token digest for request ${item.request_id} (an entry of the original tool); its size matches`;
  }
}

/** `run`: this run's options, repeated in the command it suggests. */
export function renderDrift(report: DriftReport, chalk: ChalkInstance, run: RunOptions = {}): string {
  const lines = report.items.map((item) => {
    const colour = !isDrift(item) ? chalk.dim : item.kind === 'orphan' || item.kind === 'superseded' || item.kind === 'stray_temp' ? chalk.yellow : chalk.red;
    return `${colour(SYMBOL[item.kind])} ${chalk.bold(item.name)}: ${sentence(item)}`;
  });
  const drift = report.items.filter(isDrift).length;
  if (drift === 0) {
    const content = report.contentChecked === null ? '' : `, ${report.contentChecked} compared by content`;
    return [...lines, ...(lines.length > 0 ? [''] : []), `${chalk.green('No drift.')} The SFTP folder matches the ledger ${report.ledgerPath} (${report.checked} live entries checked${content}).`].join('\n') + '\n';
  }
  lines.push(
    '',
    `Drift: ${drift} finding(s) against the ledger ${report.ledgerPath}.`,
    `Run '${renderCommandLine(['plan'], run)}' to see the repairs (missing and wrong-sized files are replaced).`,
  );
  return lines.join('\n') + '\n';
}

export function driftToJson(report: DriftReport): object {
  return {
    drift: report.items.some(isDrift),
    checked: report.checked,
    ...(report.contentChecked === null ? {} : { content_checked: report.contentChecked }),
    items: report.items,
  };
}

/**
 * `plan --diff`: the ledger change as a unified diff of status.xml. The ledger is one line on
 * disk (as the original writes it), so the diff shows it one entry per line. The "after" side
 * is the ledger transitions applied with the plan's time; what only apply knows (token sizes
 * and digests, the new serial, a lineage for a first ledger) is left out, and the root line is
 * kept as it is so that only entries show as changed.
 */
import type { ChalkInstance } from 'chalk';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { formatLedgerXml } from '../adapters/ledger-xml.js';
import { applyActionToLedger } from '../core/ledger-transitions.js';
import type { Ledger } from '../core/model.js';
import type { Plan } from '../core/plan.js';

export function renderLedgerDiff(ledger: Ledger, plan: Plan, chalk: ChalkInstance): string {
  const at = new Date(plan.created_at);
  const changed = plan.actions.reduce((l, action) => applyActionToLedger(l, action, { at, planId: plan.plan_id }), ledger);
  const { lineage: _l, serial: _s, plan: _p, pending: _q, ...entries } = changed;
  const after: Ledger = { ...ledger, ...entries };
  const patch = createTwoFilesPatch('a/status.xml', 'b/status.xml', entryPerLine(ledger), entryPerLine(after), undefined, undefined, {
    context: 2,
    headerOptions: FILE_HEADERS_ONLY,
  });
  const body = patch
    .split('\n')
    .map((line) => (line.startsWith('+') && !line.startsWith('+++') ? chalk.green(line) : line.startsWith('-') && !line.startsWith('---') ? chalk.red(line) : line))
    .join('\n');
  const note = chalk.dim(`Times are the plan's (${plan.created_at}); token sizes, digests and the serial are recorded by apply.`);
  return `${body}${note}\n`;
}

function entryPerLine(ledger: Ledger): string {
  if (ledger.entries.length === 0 && ledger.lineage === undefined) return '';
  return formatLedgerXml(ledger).replace(/(<request-status[ >])/g, '\n  $1').replace(/<\/status>$/, '\n</status>') + '\n';
}

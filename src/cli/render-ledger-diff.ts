/**
 * `plan --diff`: the ledger change as a unified diff of status.xml. The ledger is one line on
 * disk (as the original writes it), so the diff shows it one entry per line. The plan use case
 * hands over both texts; what only apply knows (token sizes and digests, the new serial, a
 * lineage for a first ledger) is not in the "after" text.
 */
import type { ChalkInstance } from 'chalk';
// The one module needed, not the package index (which loads every diff algorithm at start-up).
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff/lib/patch/create.js';

export function renderLedgerDiff(preview: { readonly before: string; readonly after: string }, plannedAt: string, chalk: ChalkInstance): string {
  const patch = createTwoFilesPatch('a/status.xml', 'b/status.xml', entryPerLine(preview.before), entryPerLine(preview.after), undefined, undefined, {
    context: 2,
    headerOptions: FILE_HEADERS_ONLY,
  });
  const body = patch
    .split('\n')
    .map((line) => (line.startsWith('+') && !line.startsWith('+++') ? chalk.green(line) : line.startsWith('-') && !line.startsWith('---') ? chalk.red(line) : line))
    .join('\n');
  const note = chalk.dim(`Times are the plan's (${plannedAt}); token sizes, digests and the serial are recorded by apply.`);
  return `${body}${note}\n`;
}

function entryPerLine(xml: string): string {
  if (xml === '') return '';
  return xml.replace(/(<request-status[ >])/g, '\n  $1').replace(/<\/status>$/, '\n</status>') + '\n';
}

/**
 * A saved plan as Markdown, for a pull request comment or `$GITHUB_STEP_SUMMARY`: a heading with
 * the plan id, Terraform's summary line (bots scrape it from here too), and a table of the
 * actions with the same symbols and the same words as the terminal rendering. Reuses
 * render-plan.ts so both renderings never disagree. A plan holds no secret, so neither does this.
 */
import type { Plan, PlannedAction } from '../core/plan.js';
import { describeAction, summaryLine } from './render-plan.js';

const SYMBOLS: Record<PlannedAction['kind'], string> = {
  create: '+',
  update: '~',
  replace: '-/+',
  delete: '-',
  remove_temp: '-',
  remove_orphan: '-',
  publish_ledger: '~',
};

export function renderPlanMarkdown(plan: Plan): string {
  const lines = [
    `### aktin-sftp plan \`${plan.plan_id}\``,
    '',
    `Tag \`${cell(plan.tag)}\`, SFTP folder \`${cell(plan.folder)}\`; made ${plan.created_at} by aktin-sftp ${plan.tool_version}.`,
    '',
  ];
  if (plan.actions.length === 0) {
    lines.push('**No changes.** The SFTP folder and the ledger match the broker.');
    return lines.join('\n') + '\n';
  }
  lines.push(`**${summaryLine(plan)}**`, '', '| | address | kind | reason |', '|---|---|---|---|');
  for (const action of plan.actions) {
    lines.push(`| \`${SYMBOLS[action.kind]}\` | \`${cell(action.address)}\` | ${action.kind} | ${cell(describeAction(action))} |`);
  }
  lines.push('', `Apply exactly this plan with \`aktin-sftp apply PLANFILE\`; it refuses (exit 3) if the broker, the ledger or the folder moved since.`);
  return lines.join('\n') + '\n';
}

/** Table cells: a pipe would end the cell, a newline the row; backticks would break the code span. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/`/g, "'").replace(/\r?\n/g, ' ');
}

/**
 * Plans as people read them, in Terraform's manner: a legend of the symbols present, one line
 * per action with its reason in words, and the exact summary line
 * `Plan: X to add, Y to change, Z to destroy.` that PR-comment bots scrape. A replacement
 * counts as one to add and one to destroy, the ledger upload as a change, the removal of a
 * leftover temporary file as a destruction. Never prints a secret: a plan holds none.
 */
import type { ChalkInstance } from 'chalk';
import { summarisePlan } from '../core/plan-summary.js';
import { encodePlan } from '../core/plan-codec.js';
import type { ActionKind, Plan, PlannedAction } from '../core/plan.js';

const SYMBOLS: Record<ActionKind, string> = {
  create: '  +',
  update: '  ~',
  replace: '-/+',
  delete: '  -',
  remove_temp: '  -',
  remove_orphan: '  -',
  publish_ledger: '  ~',
};

/** Legend lines: the kinds they stand for, and the text. */
const LEGEND: [ActionKind[], string][] = [
  [['create'], '  + create'],
  [['update', 'publish_ledger'], '  ~ update in-place'],
  [['replace'], '-/+ destroy and then create replacement'],
  [['delete', 'remove_temp', 'remove_orphan'], '  - destroy'],
];

export function renderPlan(plan: Plan, chalk: ChalkInstance, options: { saved: boolean }): string {
  const targeted = plan.options.only ? chalk.yellow(`Targeted (--only) at request ${plan.options.only.join(', ')}: no other request was read or is acted on.`) + '\n\n' : '';
  if (plan.actions.length === 0) {
    return (
      targeted +
      `${chalk.green.bold('No changes.')} ${chalk.bold('The SFTP folder and the ledger match the broker.')}\n\n` +
      `aktin-sftp compared the broker's requests tagged '${plan.tag}' with the ledger and the SFTP folder '${plan.folder}' ` +
      'and found no differences, so no changes are needed.\n'
    );
  }
  const kinds = new Set(plan.actions.map((a) => a.kind));
  const legend = LEGEND.filter(([k]) => k.some((kind) => kinds.has(kind))).map(([k, text]) => colourFor(k[0]!, chalk)(text));
  const lines = [
    ...(targeted ? [targeted.trimEnd(), ''] : []),
    'aktin-sftp used the selected tag and folder to generate the following plan. Actions are indicated with these symbols:',
    ...legend,
    '',
    `aktin-sftp will perform the following actions in '${plan.folder}' (tag '${plan.tag}'):`,
    '',
    ...plan.actions.map((a) => `${colourFor(a.kind, chalk)(SYMBOLS[a.kind])} ${chalk.bold(a.address)} ${describeAction(a)}`),
    '',
    chalk.bold(summaryLine(plan)),
  ];
  if (!options.saved) {
    lines.push(
      '',
      chalk.dim(
        "Note: You didn't use the -o option to save this plan, so aktin-sftp can't guarantee to take exactly these actions if you run \"aktin-sftp apply\" now.",
      ),
    );
  }
  return lines.join('\n') + '\n';
}

/** The plan document, exactly as `plan -o` saves it. */
export function renderPlanJson(plan: Plan): string {
  return encodePlan(plan);
}

/**
 * Exactly Terraform's line (bots match it whole), from the one counting (core/plan-summary.ts) of
 * the actions, so it always agrees with the JSON `summary` of a plan this version made (and a
 * plan saved by 0.1.0, whose summary counted differently, still reads the same as its actions).
 */
export function summaryLine(plan: Pick<Plan, 'actions'>): string {
  const { add, change, destroy } = summarisePlan(plan.actions);
  return `Plan: ${add} to add, ${change} to change, ${destroy} to destroy.`;
}

export function describeAction(action: PlannedAction): string {
  const id = action.request_id;
  const before = action.before?.completion;
  const after = action.after?.completion;
  switch (action.reason) {
    case 'new_request':
      return `will be created: new request ${id}, completion ${after}`;
    case 'tombstone_revived':
      return `will be created: request ${id} is listed again after its file was deleted (completion ${after})`;
    case 'completion_changed':
      return `will be updated: completion ${before} → ${after}`;
    case 'results_changed':
      return `will be updated: new node results for request ${id} (completion stays ${after})`;
    case 'remote_missing':
      return `must be replaced: the file is missing on the server`;
    case 'remote_size_mismatch': {
      const remote = action.precondition.remote;
      return `must be replaced: the file on the server has ${remote.state === 'present' ? remote.size : 0} bytes, not the size uploaded`;
    }
    case 'request_gone':
      return `will be destroyed: request ${id} is no longer listed by the broker`;
    case 'stray_temp_file':
      return 'will be removed: leftover of an interrupted upload';
    case 'orphan_file':
      return `will be removed: the ledger has no live entry for request ${id} (orphan)`;
    case 'ledger_changed':
      return 'will be uploaded: the ledger changes with this plan';
    case 'remote_ledger_missing':
      return 'will be uploaded: the remote copy of the ledger is missing';
    case 'remote_ledger_stale':
      return 'will be uploaded: the remote copy differs from the local ledger';
    case 'recipients_changed':
      return 'will be re-encrypted: recipients changed';
    case 'key_changed':
      return 'will be re-encrypted: the Fernet key changed';
    case 'scheme_changed':
      return `will be re-encrypted: the scheme changed (request ${id}; the old file goes once this one is in place)`;
    case 'replace_requested':
      return 'will be uploaded again: replacement requested';
    case 'superseded_file':
      return `will be removed: request ${id} has a newer file under another scheme's name (after the uploads)`;
  }
}

function colourFor(kind: ActionKind, chalk: ChalkInstance): (text: string) => string {
  switch (kind) {
    case 'create':
      return chalk.green;
    case 'update':
    case 'publish_ledger':
      return chalk.yellow;
    case 'replace':
      return chalk.magenta;
    default:
      return chalk.red;
  }
}

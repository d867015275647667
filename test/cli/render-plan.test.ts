import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { describeAction, renderPlan, renderPlanJson, summaryLine } from '../../src/cli/render-plan.js';
import { encodePlan } from '../../src/core/plan-codec.js';
import type { ActionReason, Plan, PlannedAction } from '../../src/core/plan.js';
import { planChanges } from '../../src/core/planner.js';
import { brokerRequest as req, exportFiles, hex, legacyEntry, plannerInput, remoteFile as file, type WorldSketch } from '../support/builders.js';

const plain = new Chalk({ level: 0 });
const coloured = new Chalk({ level: 1 });

function planOf(world: WorldSketch): Plan {
  const outcome = planChanges(plannerInput(world));
  assert.ok(outcome.ok);
  return outcome.value;
}

/** docs/original-tool.md §7.1 run 2, against the ledger the original wrote in run 1. */
const run2 = planOf({
  requests: [req('2', '0.5'), req('4', '0.5'), req('6', '0.0')],
  entries: [legacyEntry('0'), legacyEntry('2'), legacyEntry('4')],
  files: [...exportFiles('0', '2', '4'), file('status.xml')],
  remoteLedgerSha256: hex('1'),
});

describe('renderPlan', () => {
  it('renders §7.1 run 2 exactly: legend of the kinds present, one line per action, the summary, the -o note', () => {
    assert.equal(
      renderPlan(run2, plain, { saved: false }),
      [
        'aktin-sftp used the selected tag and folder to generate the following plan. Actions are indicated with these symbols:',
        '  + create',
        '  ~ update in-place',
        '  - destroy',
        '',
        "aktin-sftp will perform the following actions in 'rki' (tag 'rki'):",
        '',
        '  ~ export_2.zip will be updated: completion 1.0 → 0.5',
        '  ~ export_4.zip will be updated: completion 1.0 → 0.5',
        '  + export_6.zip will be created: new request 6, completion 0.0',
        '  - export_0.zip will be destroyed: request 0 is no longer listed by the broker',
        '  ~ status.xml will be uploaded: the ledger changes with this plan',
        '',
        'Plan: 1 to add, 3 to change, 1 to destroy.',
        '',
        'Note: You didn\'t use the -o option to save this plan, so aktin-sftp can\'t guarantee to take exactly these actions if you run "aktin-sftp apply" now.',
        '',
      ].join('\n'),
    );
  });

  it('leaves the -o note out for a saved plan, and ends with the summary line', () => {
    const text = renderPlan(run2, plain, { saved: true });
    assert.ok(!text.includes('-o option'));
    assert.ok(text.endsWith('\nPlan: 1 to add, 3 to change, 1 to destroy.\n'));
  });

  it('shows the replace legend only when a replacement is planned', () => {
    const replace = planOf({ requests: [req('2')], entries: [legacyEntry('2')] });
    const text = renderPlan(replace, plain, { saved: true });
    assert.match(text, /^-\/\+ destroy and then create replacement$/m);
    assert.ok(!/^ {2}\+ create$/m.test(text));
    assert.ok(!/^ {2}- destroy$/m.test(text));
    assert.match(text, /^Plan: 1 to add, 1 to change, 1 to destroy\.$/m);
    assert.ok(!renderPlan(run2, plain, { saved: true }).includes('-/+'));
  });

  it('says exactly that there is nothing to do for an empty plan', () => {
    const text = renderPlan(planOf({}), plain, { saved: false });
    assert.equal(
      text,
      "No changes. The SFTP folder and the ledger match the broker.\n\naktin-sftp compared the broker's requests tagged 'rki' with the ledger and the SFTP folder 'rki' and found no differences, so no changes are needed.\n",
    );
  });

  it('colours the symbols by kind and only when asked', () => {
    const text = renderPlan(run2, coloured, { saved: true });
    assert.ok(text.includes(`${coloured.green('  +')} ${coloured.bold('export_6.zip')}`));
    assert.ok(text.includes(`${coloured.red('  -')} ${coloured.bold('export_0.zip')}`));
    assert.ok(text.includes(`${coloured.yellow('  ~')} ${coloured.bold('export_2.zip')}`));
    assert.ok(text.includes(coloured.bold('Plan: 1 to add, 3 to change, 1 to destroy.')));
    assert.ok(!renderPlan(run2, plain, { saved: true }).includes('\u001b['));
  });
});

describe('describeAction: every reason in words', () => {
  // Deliberately loose: the renderer must word every reason whatever the rest of the action says.
  const action = (kind: PlannedAction['kind'], reason: ActionReason, change: Record<string, unknown> = {}): PlannedAction => ({
    address: 'export_2.zip',
    kind,
    reason,
    request_id: '2',
    before: { completion: '1.0', fingerprint: null },
    after: { completion: '0.5', fingerprint: hex('a') },
    precondition: { remote: { state: 'present', size: 980, mtime: 1 } },
    ...change,
  }) as PlannedAction;
  const table: [PlannedAction, string][] = [
    [action('create', 'new_request', { before: null }), 'will be created: new request 2, completion 0.5'],
    [action('create', 'tombstone_revived', { before: null }), 'will be created: request 2 is listed again after its file was deleted (completion 0.5)'],
    [action('update', 'completion_changed'), 'will be updated: completion 1.0 → 0.5'],
    [action('update', 'results_changed', { after: { completion: '1.0', fingerprint: hex('b') } }), 'will be updated: new node results for request 2 (completion stays 1.0)'],
    [action('replace', 'remote_missing', { precondition: { remote: { state: 'absent' } } }), 'must be replaced: the file is missing on the server'],
    [action('replace', 'remote_size_mismatch'), 'must be replaced: the file on the server has 980 bytes, not the size uploaded'],
    [action('delete', 'request_gone', { after: null }), 'will be destroyed: request 2 is no longer listed by the broker'],
    [action('remove_temp', 'stray_temp_file', { request_id: null, before: null, after: null }), 'will be removed: leftover of an interrupted upload'],
    [action('remove_orphan', 'orphan_file', { before: null, after: null }), 'will be removed: the ledger has no live entry for request 2 (orphan)'],
    [action('publish_ledger', 'ledger_changed', { request_id: null, before: null, after: null }), 'will be uploaded: the ledger changes with this plan'],
    [action('publish_ledger', 'remote_ledger_missing', { request_id: null, before: null, after: null }), 'will be uploaded: the remote copy of the ledger is missing'],
    [action('publish_ledger', 'remote_ledger_stale', { request_id: null, before: null, after: null }), 'will be uploaded: the remote copy differs from the local ledger'],
  ];
  it('covers every reason once', () => {
    assert.equal(new Set(table.map(([a]) => a.reason)).size, 12);
  });
  for (const [a, text] of table) it(a.reason, () => assert.equal(describeAction(a), text));
});

describe('summaryLine and renderPlanJson', () => {
  it('is exactly Terraform\'s line', () => {
    assert.equal(summaryLine({ summary: { add: 0, change: 12, destroy: 1, publish_ledger: false } }), 'Plan: 0 to add, 12 to change, 1 to destroy.');
  });

  it('counts the ledger upload as a change and a leftover removal as a destruction', () => {
    const housekeeping = planOf({ requests: [req('2')], entries: [legacyEntry('2')], files: [...exportFiles('2'), file('.export_2.zip.0a1b2c3d.part')] });
    assert.deepEqual(housekeeping.actions.map((a) => a.kind), ['remove_temp', 'publish_ledger']);
    assert.equal(summaryLine(housekeeping), 'Plan: 0 to add, 1 to change, 1 to destroy.');
    // The plan's JSON says the same (GitLab's widget reads it).
    assert.deepEqual(housekeeping.summary, { add: 0, change: 1, destroy: 1, publish_ledger: true });
  });

  it('prints the plan document as plan -o saves it', () => {
    assert.equal(renderPlanJson(run2), encodePlan(run2));
    assert.deepEqual(JSON.parse(renderPlanJson(run2)), JSON.parse(JSON.stringify(run2)));
  });
});

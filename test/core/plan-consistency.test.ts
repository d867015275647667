import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPlanConsistency } from '../../src/core/plan-consistency.js';
import type { Plan } from '../../src/core/plan.js';
import { planChanges } from '../../src/core/planner.js';
import { brokerRequest as req, exportFiles, plannerInput, trackedEntry } from '../support/builders.js';

function samplePlan(): Plan {
  const outcome = planChanges(plannerInput({ requests: [req('2', '0.5'), req('6', '0.0')], entries: [trackedEntry('2'), trackedEntry('3')], files: exportFiles('2', '3') }));
  assert.ok(outcome.ok);
  return outcome.value;
}

describe('checkPlanConsistency', () => {
  it('accepts what the planner makes', () => {
    assert.deepEqual(checkPlanConsistency(samplePlan(), 'p.json'), []);
  });

  it('refuses a summary that does not count the actions', () => {
    const plan = samplePlan();
    const [p] = checkPlanConsistency({ ...plan, summary: { ...plan.summary, destroy: 0 } }, 'p.json');
    assert.equal(p?.code, 'PLAN_INVALID');
    assert.equal(p.title, 'p.json: the summary does not match the actions');
    assert.match(p.detail!, /"destroy":1/);
  });

  it('accepts the summary of a plan saved by 0.1.0, which did not count the ledger upload as a change', () => {
    const plan = samplePlan();
    assert.equal(plan.summary.change, 2, 'an update and the ledger upload');
    assert.deepEqual(checkPlanConsistency({ ...plan, summary: { ...plan.summary, change: 1 } }, 'p.json'), []);
    assert.equal(checkPlanConsistency({ ...plan, summary: { ...plan.summary, change: 3 } }, 'p.json')[0]?.code, 'PLAN_INVALID');
  });

  it('refuses a ledger upload that is not last, or comes twice', () => {
    const plan = samplePlan();
    const publish = plan.actions.at(-1)!;
    assert.equal(publish.kind, 'publish_ledger');
    const moved = { ...plan, actions: [publish, ...plan.actions.slice(0, -1)] };
    assert.match(checkPlanConsistency(moved, 'p.json')[0]!.title, /must be the last action/);
    const twice = { ...plan, actions: [...plan.actions, publish] };
    assert.match(checkPlanConsistency(twice, 'p.json').at(-1)!.title, /must be the last action, and only one/);
  });
  // Hand edits a plan file can carry; each must be refused before anyone approves or applies it.
  const edits: { name: string; edit: (actions: any[]) => void; detail: RegExp }[] = [
    { name: "request 2's bundle aimed at export_0.zip", edit: (a) => (a[0].address = 'export_0.zip'), detail: /export_0\.zip belongs to request 0, the action names request 2/ },
    { name: 'an upload at a file that is not an export', edit: (a) => (a[0].address = 'status.xml'), detail: /works on export files \(export_<id>\.zip, \.zip\.age, \.zip\.c4gh\), not on status\.xml/ },
    { name: 'a Fernet upload aimed at an age name', edit: (a) => (a[0].address = 'export_2.zip.age'), detail: /the plan seals with fernet, whose files are not named like export_2\.zip\.age/ },
    { name: 'remove_temp aimed at a real export', edit: (a) => Object.assign(a[0], { kind: 'remove_temp', request_id: null, before: null, after: null }), detail: /removes only temporary upload files/ },
    { name: 'a delete that records an after', edit: (a) => (a[2].after = { completion: '1.0', fingerprint: null }), detail: /a delete records nothing/ },
    { name: 'an upload that records nothing', edit: (a) => (a[0].after = null), detail: /an upload must say what it records/ },
    { name: 'the ledger published under another name', edit: (a) => (a.at(-1).address = 'export_9.zip'), detail: /published as status\.xml, not as export_9\.zip/ },
    { name: 'one file acted on twice', edit: (a) => a.splice(1, 0, { ...a[0] }), detail: /at most one action per remote file/ },
  ];
  for (const { name, edit, detail } of edits) {
    it(`refuses ${name}`, () => {
      const plan = samplePlan();
      const actions = structuredClone(plan.actions) as any[];
      edit(actions);
      const problems = checkPlanConsistency({ ...plan, actions }, 'p.json');
      assert.ok(problems.some((p) => p.code === 'PLAN_INVALID' && detail.test(`${p.title} ${p.detail}`)), JSON.stringify(problems));
    });
  }
});

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

  it('refuses a ledger upload that is not last, or comes twice', () => {
    const plan = samplePlan();
    const publish = plan.actions.at(-1)!;
    assert.equal(publish.kind, 'publish_ledger');
    const moved = { ...plan, actions: [publish, ...plan.actions.slice(0, -1)] };
    assert.match(checkPlanConsistency(moved, 'p.json')[0]!.title, /must be the last action/);
    const twice = { ...plan, actions: [...plan.actions, publish] };
    assert.match(checkPlanConsistency(twice, 'p.json').at(-1)!.title, /must be the last action, and only one/);
  });
});

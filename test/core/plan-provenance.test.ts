import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Ledger } from '../../src/core/model.js';
import type { Observation } from '../../src/core/observation.js';
import type { Plan, PlannedAction } from '../../src/core/plan.js';
import { checkPlanProvenance } from '../../src/core/plan-provenance.js';
import { planChanges } from '../../src/core/planner.js';
import { brokerRequest as req, exportFiles, plannerInput, trackedEntry } from '../support/builders.js';

// Requests 2 (changed), 4 (unchanged) and 6 (new) listed; 3 gone from the broker.
const input = plannerInput({
  requests: [req('2', '0.5'), req('4'), req('6', '0.0')],
  entries: [trackedEntry('2'), trackedEntry('3'), trackedEntry('4')],
  files: exportFiles('2', '3', '4'),
});
const observation: Observation = input.observation as Observation;
const genuine = (() => {
  const outcome = planChanges(input);
  assert.ok(outcome.ok);
  return outcome.value;
})();

const withActions = (change: (actions: PlannedAction[]) => PlannedAction[]): Plan => ({ ...genuine, actions: change(structuredClone([...genuine.actions])) });
const foreign = (plan: Plan, seen: Observation = observation, mode: 'fresh' | 'resume' = 'fresh') => checkPlanProvenance(plan, seen, mode);

describe('checkPlanProvenance', () => {
  it('accepts the plan the planner makes from the same inputs', () => {
    assert.deepEqual(foreign(genuine), []);
  });

  const tampered: { name: string; plan: Plan; detail: RegExp }[] = [
    {
      name: 'a delete of a file whose request the broker still lists',
      plan: withActions((a) => [...a.slice(0, -1), { ...a[2]!, address: 'export_4.zip', request_id: '4' } as PlannedAction, a.at(-1)!]),
      detail: /delete of export_4\.zip \(request 4\)/,
    },
    {
      name: 'an upload that records another completion',
      plan: withActions((a) => a.map((x) => (x.kind === 'update' ? { ...x, after: { completion: '1.0', fingerprint: x.after.fingerprint } } : x))),
      detail: /update of export_2\.zip/,
    },
    {
      name: 'an update turned into a create',
      plan: withActions((a) => a.map((x) => (x.kind === 'update' ? { ...x, kind: 'create' as const } : x))),
      detail: /create of export_2\.zip/,
    },
    {
      name: 'an action left out',
      plan: withActions((a) => a.filter((x) => x.kind !== 'delete')),
      detail: /delete of export_3\.zip \(request 3\) is missing/,
    },
    {
      name: 'options changed so the planner would refuse (mass delete with a cap of 0)',
      plan: { ...genuine, options: { ...genuine.options, max_delete: 0 } },
      detail: /export_2\.zip/,
    },
  ];
  for (const c of tampered) {
    it(`refuses ${c.name}`, () => {
      const problems = foreign(c.plan);
      assert.equal(problems.length, 1);
      assert.equal(problems[0]!.code, 'PLAN_INVALID');
      assert.match(problems[0]!.detail!, c.detail);
      assert.match(problems[0]!.detail!, /Nothing was changed/);
    });
  }

  it('names the plan file it refuses', () => {
    const problems = checkPlanProvenance(tampered[0]!.plan, observation, 'fresh', 'ci/plan.json');
    assert.equal(problems[0]!.title, 'ci/plan.json holds actions aktin-sftp did not plan');
  });

  describe('resuming its own interrupted apply', () => {
    // The delete of 3 finished and was recorded by this plan; the update of 2 was renamed but not recorded.
    const ledger: Ledger = {
      ...observation.ledger.ledger,
      plan: genuine.plan_id,
      pending: ['export_2.zip'],
      entries: observation.ledger.ledger.entries.map((e) => (e.id === '3' ? { ...e, deleted: '2026-11-24 10:00:00', plan: genuine.plan_id } : e)),
    };
    const moved: Observation = {
      ...observation,
      ledger: { ...observation.ledger, ledger, sha256: '9'.repeat(64) },
      listing: { files: exportFiles('2', '4').map((f) => (f.name === 'export_2.zip' ? { ...f, size: 999 } : f)) },
    };

    it('accepts what is done, what it started, and what the planner still makes', () => {
      assert.deepEqual(foreign(genuine, moved, 'resume'), []);
    });

    it('still refuses an action the planner does not make now', () => {
      const plan = withActions((a) => [...a.slice(0, -1), { ...a[2]!, address: 'export_4.zip', request_id: '4' } as PlannedAction, a.at(-1)!]);
      assert.match(foreign(plan, moved, 'resume')[0]?.detail ?? '', /delete of export_4\.zip/);
    });
  });
});

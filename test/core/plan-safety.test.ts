import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSavedPlanDeleteCap } from '../../src/core/plan-safety.js';
import type { PlannedAction } from '../../src/core/plan.js';

const action = (kind: PlannedAction['kind'], id: string | null) => ({ kind, request_id: id, address: id === null ? 'status.xml' : `export_${id}.zip` }) as PlannedAction;

describe('apply --max-delete N PLANFILE: a cap given at apply only tightens', () => {
  const deleting = [action('create', '1'), action('delete', '2'), action('remove_orphan', '3'), action('publish_ledger', null)];
  const cases: { name: string; actions: PlannedAction[]; max: number; refused: boolean }[] = [
    { name: 'two removals, cap 0', actions: deleting, max: 0, refused: true },
    { name: 'two removals, cap 1', actions: deleting, max: 1, refused: true },
    { name: 'two removals, cap 2', actions: deleting, max: 2, refused: false },
    { name: 'no removal, cap 0', actions: [action('create', '1'), action('remove_temp', null)], max: 0, refused: false },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.refused ? 'refused' : 'allowed'}`, () => {
      const problems = checkSavedPlanDeleteCap({ actions: c.actions }, c.max, 'plan.json');
      assert.equal(problems.length, c.refused ? 1 : 0);
      if (c.refused) {
        assert.equal(problems[0]!.code, 'PLAN_DELETE_CAP');
        assert.equal(problems[0]!.title, `Refusing to apply plan.json: it deletes 2 file(s), more than --max-delete ${c.max}`);
        assert.match(problems[0]!.detail!, /request\(s\) 2, 3\. Nothing was changed\./);
      }
    });
  }
});

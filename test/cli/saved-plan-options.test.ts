import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { savedPlanConflicts, type SavedPlanArgs } from '../../src/cli/saved-plan-options.js';

describe('apply options with a saved plan', () => {
  const cases: { args: SavedPlanArgs; refused: string[] }[] = [
    { args: {}, refused: [] },
    { args: { 'allow-mass-delete': false, 'prune-orphans': false, 'dry-run': false, 'detailed-exitcode': false }, refused: [] },
    { args: { only: ['0'] }, refused: ['--only'] },
    { args: { 'prune-orphans': true }, refused: ['--prune-orphans'] },
    { args: { 'allow-mass-delete': true }, refused: ['--allow-mass-delete'] },
    { args: { 'dry-run': true }, refused: ['--dry-run'] },
    { args: { 'detailed-exitcode': true }, refused: ['--detailed-exitcode'] },
    { args: { only: ['2', '7'], 'prune-orphans': true }, refused: ['--only', '--prune-orphans'] },
  ];
  for (const { args, refused } of cases) {
    it(`${JSON.stringify(args)}: ${refused.length === 0 ? 'accepted' : `refuses ${refused.join(', ')}`}`, () => {
      const problems = savedPlanConflicts(args, 'plan.json');
      assert.deepEqual(problems.map((p) => p.code), refused.map(() => 'USAGE'));
      problems.forEach((p, i) => {
        assert.equal(p.title, `apply ${refused[i]} does not combine with a saved plan (plan.json)`);
        assert.match(p.detail!, /never ignores an option\. Nothing was changed\./);
        assert.match(p.hint!, /plan\.json/);
      });
    });
  }
  it('says where the option belongs', () => {
    assert.equal(savedPlanConflicts({ only: ['0'] }, 'p.json')[0]!.hint, 'Put it on plan: aktin-sftp plan --only ID… -o p.json, then apply that plan.');
  });
});

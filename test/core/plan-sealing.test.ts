/**
 * A saved plan seals for the key it was made for: apply refuses it once the configured recipients
 * or Fernet key are others. A Fernet plan that re-seals nothing pins no key, and any key applies it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPlanSealing } from '../../src/core/plan-freshness.js';
import type { PlanEncryption } from '../../src/core/plan.js';
import { planWith } from '../support/plan-fixtures.js';

const fernet = (key_id: string): PlanEncryption => ({ scheme: 'fernet', key_id });
const age = (key_id: string): PlanEncryption => ({ scheme: 'age', key_id });
const [A, B] = ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'];

const cases: { name: string; plan: PlanEncryption | undefined; configured: PlanEncryption | undefined; refused?: RegExp }[] = [
  { name: 'a Fernet plan that pins no key, any Fernet key configured', plan: undefined, configured: fernet(A) },
  { name: 'a Fernet plan that pins no key, the key file not there', plan: undefined, configured: undefined },
  { name: 'a Fernet plan, age configured', plan: undefined, configured: age(A), refused: /was made for other recipients.*It seals for key id \(none: Fernet\); the configured recipients have a{16}/ },
  { name: 'a Fernet rotation plan, the same key configured', plan: fernet(A), configured: fernet(A) },
  { name: 'a Fernet rotation plan, another key configured since', plan: fernet(A), configured: fernet(B), refused: /was made for another Fernet key.*key with id a{16}; the configured key has id b{16}/ },
  { name: 'an age plan, the same recipients', plan: age(A), configured: age(A) },
  { name: 'an age plan, other recipients', plan: age(A), configured: age(B), refused: /was made for other recipients.*It seals for key id a{16}; the configured recipients have b{16}/ },
  { name: 'an age plan, Fernet configured', plan: age(A), configured: fernet(B), refused: /was made for other recipients.*the configured recipients have \(none: Fernet\)/ },
];

describe('checkPlanSealing', () => {
  for (const c of cases) {
    it(`${c.refused ? 'refuses' : 'accepts'} ${c.name}`, () => {
      const plan = { ...planWith([]), ...(c.plan ? { encryption: c.plan } : {}) };
      const problems = checkPlanSealing(plan, c.configured, 'plan.json');
      if (!c.refused) return assert.deepEqual(problems, []);
      assert.equal(problems.length, 1);
      assert.equal(problems[0]!.code, 'PLAN_STALE');
      assert.match(`${problems[0]!.title}. ${problems[0]!.detail}`, c.refused);
    });
  }
});

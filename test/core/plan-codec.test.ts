import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePlan, encodePlan, isNewerMinorFormat } from '../../src/core/plan-codec.js';
import type { Plan } from '../../src/core/plan.js';
import { planChanges } from '../../src/core/planner.js';
import { brokerRequest as req, exportFiles, plannerInput, trackedEntry } from '../support/builders.js';

function samplePlan(): Plan {
  const outcome = planChanges(plannerInput({ requests: [req('2', '0.5'), req('6', '0.0')], entries: [trackedEntry('2'), trackedEntry('3')], files: exportFiles('2', '3') }));
  assert.ok(outcome.ok);
  return outcome.value;
}

/** The same object with its keys in reverse order at every level. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)]));
}

describe('encodePlan', () => {
  it('writes 2-space JSON with a final newline, keys in the documented order', () => {
    const text = encodePlan(samplePlan());
    assert.ok(text.endsWith('}\n'));
    assert.deepEqual(Object.keys(JSON.parse(text)), ['format_version', 'tool_version', 'plan_id', 'created_at', 'config_sha256', 'tag', 'folder', 'remote', 'inputs', 'options', 'actions', 'summary']);
    assert.match(text, /^ {2}"format_version": "1\.2",$/m);
    assert.match(text, /\{\n {6}"address": "export_2\.zip",\n {6}"kind": "update",\n {6}"reason": "completion_changed",\n {6}"request_id": "2",\n {6}"before": \{/);
  });

  it('writes the same text whatever order the keys were built in', () => {
    const plan = samplePlan();
    assert.equal(encodePlan(reversedKeys(plan) as Plan), encodePlan(plan));
  });

  it('keeps an absent remote without size and mtime, and leaves out keys no plan has', () => {
    const plan = samplePlan();
    const text = encodePlan({ ...plan, secret: 'x' } as Plan);
    assert.ok(!text.includes('secret'));
    assert.match(text, /"remote": \{\n\s+"state": "absent"\n\s+\}/);
  });

  it('round-trips through decodePlan', () => {
    const plan = samplePlan();
    const decoded = decodePlan(JSON.parse(encodePlan(plan)), 'p.json');
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.value, plan);
  });
});

describe('decodePlan: the version gate', () => {
  const json = () => JSON.parse(encodePlan(samplePlan())) as Record<string, any>;

  it('refuses another major version, naming the file and both versions', () => {
    for (const version of ['2.0', '0.9']) {
      const outcome = decodePlan({ ...json(), format_version: version }, '/ci/plan.json');
      assert.ok(!outcome.ok);
      assert.equal(outcome.problems[0]!.code, 'PLAN_INVALID');
      assert.equal(outcome.problems[0]!.title, `/ci/plan.json is a plan of format ${version}; this aktin-sftp reads format 1.x`);
      assert.match(outcome.problems[0]!.detail!, /writes 1\.2/);
    }
  });

  it('refuses a missing or malformed format_version, and anything that is not an object', () => {
    for (const value of [{ ...json(), format_version: undefined }, { ...json(), format_version: '1' }, { ...json(), format_version: 1.0 }]) {
      const outcome = decodePlan(value, 'p.json');
      assert.ok(!outcome.ok);
      assert.equal(outcome.problems[0]!.title, 'p.json has no valid format_version');
    }
    for (const value of [null, [], 'plan', 3]) {
      const outcome = decodePlan(value, 'p.json');
      assert.ok(!outcome.ok);
      assert.equal(outcome.problems[0]!.title, 'p.json is not an aktin-sftp plan');
    }
  });

  it('accepts a newer minor version and drops the fields it does not know, at every level', () => {
    const value = json();
    value.format_version = '1.3';
    value.signature = 'abc';
    value.inputs.broker.nodes = 4;
    value.actions[0].bundle_sha256 = 'f'.repeat(64);
    value.actions[0].precondition.remote.sha256 = 'e'.repeat(64);
    assert.equal(isNewerMinorFormat(value), true);
    const outcome = decodePlan(value, 'p.json');
    assert.ok(outcome.ok);
    const text = JSON.stringify(outcome.value);
    for (const unknown of ['signature', 'nodes', 'bundle_sha256', '"sha256":"eee']) assert.ok(!text.includes(unknown), unknown);
    assert.equal(outcome.value.format_version, '1.3');
    assert.equal(outcome.value.actions.length, samplePlan().actions.length);
  });

  it('isNewerMinorFormat is false for our version, an older minor and another major', () => {
    assert.equal(isNewerMinorFormat({ format_version: '1.0' }), false);
    assert.equal(isNewerMinorFormat({ format_version: '2.1' }), false);
    assert.equal(isNewerMinorFormat({}), false);
  });
});

describe('decodePlan: options.only belongs to format 1.1', () => {
  const cases: { name: string; version: string; only: unknown; ok: boolean }[] = [
    { name: 'a 1.0 plan without only', version: '1.0', only: undefined, ok: true },
    { name: 'a 1.1 plan with only', version: '1.1', only: ['2'], ok: true },
    { name: 'a 1.0 plan with only (relabelled)', version: '1.0', only: ['2'], ok: false },
    { name: 'a 1.0 plan with an empty only', version: '1.0', only: [], ok: false },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.ok ? 'read' : 'refused'}`, () => {
      const plan = JSON.parse(encodePlan(samplePlan()));
      plan.format_version = c.version;
      if (c.only !== undefined) plan.options.only = c.only;
      const decoded = decodePlan(plan, 'plan.json');
      assert.equal(decoded.ok, c.ok);
      if (!decoded.ok) {
        assert.equal(decoded.problems[0]!.code, 'PLAN_INVALID');
        assert.match(decoded.problems[0]!.title, /^plan\.json says format 1\.0 but holds options\.only, which format 1\.1 added$/);
      }
    });
  }
});

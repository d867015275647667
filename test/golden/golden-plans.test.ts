/**
 * Golden plans: one folder per case with the planner's inputs and its expected output, read
 * as files so that a change of behaviour shows as a reviewed diff of plan.json / plan.txt.
 *
 * Inputs: broker.json (a BrokerSnapshot), ledger.xml (as the original or aktin-sftp writes it)
 * or ledger.json (a Ledger object; its file digest is the sha256 of ledger.json), or neither
 * (no ledger file yet), listing.json (a RemoteListing), options.json (PlanOptions, optional).
 * Expected: plan.json and plan.txt (the human rendering), or problems.json when the planner refuses.
 * `UPDATE_GOLDEN=1` rewrites the expected files; review the diff before committing.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { parseLedgerXml } from '../../src/adapters/ledger/xml.js';
import { readPlanFile } from '../../src/adapters/files/plan-file.js';
import { renderPlan } from '../../src/cli/render-plan.js';
import type { BrokerSnapshot, Ledger, RemoteListing } from '../../src/core/model.js';
import type { LedgerSnapshot } from '../../src/core/observation.js';
import { encodePlan } from '../../src/core/plan-codec.js';
import type { PlanOptions } from '../../src/core/plan.js';
import { planChanges } from '../../src/core/planner.js';
import { FIXED_NOW, hex, NO_LIMITS, PLAN_UUID } from '../support/builders.js';

const GOLDEN = 'test/golden';
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const cases = readdirSync(GOLDEN).filter((name) => statSync(join(GOLDEN, name)).isDirectory()).sort();

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function ledgerOf(dir: string): LedgerSnapshot {
  for (const [file, parse] of [
    ['ledger.xml', (text: string) => parseLedgerXml(text)],
    ['ledger.json', (text: string) => JSON.parse(text) as Ledger],
  ] as const) {
    const path = join(dir, file);
    if (existsSync(path)) {
      const bytes = readFileSync(path);
      return { ledger: parse(bytes.toString('utf8')), sha256: createHash('sha256').update(bytes).digest('hex') };
    }
  }
  return { ledger: { serial: 0, entries: [] }, sha256: null };
}

/** Compares with the expected file, or writes it under UPDATE_GOLDEN=1. */
function expectFile(path: string, actual: string): void {
  if (UPDATE) {
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `${path} is missing: run the test with UPDATE_GOLDEN=1 and review the new file`);
  assert.equal(actual, readFileSync(path, 'utf8'), `${path} differs (if intended, run with UPDATE_GOLDEN=1 and review the diff)`);
}

describe('golden plans', () => {
  it('has cases', () => assert.ok(cases.length >= 8, cases.join(', ')));

  for (const name of cases) {
    it(name, async () => {
      const dir = join(GOLDEN, name);
      const snapshot = readJson<BrokerSnapshot>(join(dir, 'broker.json'));
      const optionsPath = join(dir, 'options.json');
      const options = existsSync(optionsPath) ? readJson<PlanOptions>(optionsPath) : NO_LIMITS;
      const outcome = planChanges({
        observation: { broker: snapshot, ledger: ledgerOf(dir), listing: readJson<RemoteListing>(join(dir, 'listing.json')) },
        options,
        context: { planId: PLAN_UUID, createdAt: FIXED_NOW, toolVersion: '0.1.0', configSha256: hex('c'), tag: snapshot.tag, folder: 'rki', remote: 'sftp://sftp.example.org/rki' },
      });
      if (!outcome.ok) {
        assert.ok(!existsSync(join(dir, 'plan.json')), `${name}: the planner refused, but plan.json expects a plan`);
        expectFile(join(dir, 'problems.json'), JSON.stringify(outcome.problems, null, 2) + '\n');
        return;
      }
      assert.ok(!existsSync(join(dir, 'problems.json')), `${name}: the planner made a plan, but problems.json expects a refusal`);
      expectFile(join(dir, 'plan.json'), encodePlan(outcome.value));
      expectFile(join(dir, 'plan.txt'), renderPlan(outcome.value, new Chalk({ level: 0 }), { saved: true }));
      assert.deepEqual(await readPlanFile(join(dir, 'plan.json')), outcome.value, 'the golden plan passes the schema');
    });
  }
});

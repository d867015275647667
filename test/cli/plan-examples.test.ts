/**
 * The example plans in plans/ stay valid: each passes the schema and the version gate, and
 * renders with the line its action kind must show.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { readPlanFile, writePlanFile } from '../../src/adapters/files/plan-file.js';
import { isProblemError } from '../../src/core/problem.js';
import { renderPlan } from '../../src/cli/render-plan.js';
import { tempDir } from '../support/temp-dir.js';

const plain = new Chalk({ level: 0 });
const EXPECTED: Record<string, RegExp[]> = {
  'create.json': [/^ {2}\+ export_6\.zip will be created: new request 6, completion 0\.0$/m, /^Plan: 1 to add, 1 to change, 0 to destroy\.$/m],
  'update.json': [/^ {2}~ export_2\.zip will be updated: completion 0\.5 → 1\.0$/m, /^Plan: 0 to add, 2 to change, 0 to destroy\.$/m],
  'replace.json': [/^-\/\+ export_2\.zip must be replaced: the file on the server has 980 bytes/m, /^Plan: 1 to add, 1 to change, 1 to destroy\.$/m],
  'delete.json': [/^ {2}- export_0\.zip will be destroyed: request 0 is no longer listed by the broker$/m, /^Plan: 0 to add, 1 to change, 1 to destroy\.$/m],
  'remove-temp.json': [/^ {2}- \.export_2\.zip\.0a1b2c3d\.part will be removed: leftover of an interrupted upload$/m, /^Plan: 0 to add, 1 to change, 1 to destroy\.$/m],
  'remove-orphan.json': [/^ {2}- export_9\.zip will be removed: the ledger has no live entry for request 9 \(orphan\)$/m, /^Plan: 0 to add, 1 to change, 1 to destroy\.$/m],
  'publish-ledger.json': [/^ {2}~ status\.xml will be uploaded: the remote copy differs from the local ledger$/m, /^Plan: 0 to add, 1 to change, 0 to destroy\.$/m],
  'no-changes.json': [/^No changes\. The SFTP folder and the ledger match the broker\.$/m],
};

describe('example plans', () => {
  it('has one example per kind of action, and no other', () => {
    assert.deepEqual(readdirSync('plans').filter((f) => f.endsWith('.json')).sort(), Object.keys(EXPECTED).sort());
  });

  for (const [file, patterns] of Object.entries(EXPECTED)) {
    it(`${file} validates and renders`, async () => {
      const plan = await readPlanFile(join('plans', file));
      const text = renderPlan(plan, plain, { saved: true });
      for (const pattern of patterns) assert.match(text, pattern);
    });
  }

  it('round-trips through writePlanFile unchanged', async () => {
    const dir = tempDir('plans');
    const plan = await readPlanFile('plans/delete.json');
    await writePlanFile(join(dir, 'p.json'), plan);
    assert.equal(readFileSync(join(dir, 'p.json'), 'utf8'), readFileSync('plans/delete.json', 'utf8'));
  });

  const broken: [string, (plan: Record<string, any>) => void, RegExp][] = [
    ['another major format version', (p) => (p.format_version = '2.0'), /format 2\.0; this aktin-sftp reads format 1\.x/],
    ['an unknown action kind', (p) => (p.actions[0].kind = 'chmod'), /\/actions\/0\/kind/],
    ['a path in an address', (p) => (p.actions[0].address = '../etc/passwd'), /\/actions\/0\/address/],
    ['a missing input fingerprint', (p) => delete p.inputs.broker, /\/inputs/],
  ];
  for (const [name, breakIt, message] of broken) {
    it(`refuses a plan with ${name}, naming the file`, async () => {
      const dir = tempDir('plans');
      copyFileSync('plans/delete.json', join(dir, 'p.json'));
      const plan = JSON.parse(readFileSync(join(dir, 'p.json'), 'utf8'));
      breakIt(plan);
      writeFileSync(join(dir, 'p.json'), JSON.stringify(plan));
      await assert.rejects(readPlanFile(join(dir, 'p.json')), (e: unknown) => {
        if (!isProblemError(e) || e.code !== 'PLAN_INVALID') return false;
        const text = `${e.problems[0]!.title}\n${e.problems[0]!.detail}`;
        return text.includes(join(dir, 'p.json')) && message.test(text);
      });
    });
  }

  it('accepts a newer minor format version with fields it does not know', async () => {
    const dir = tempDir('plans');
    const plan = JSON.parse(readFileSync('plans/create.json', 'utf8'));
    plan.format_version = '1.7';
    plan.future_field = { anything: true };
    writeFileSync(join(dir, 'p.json'), JSON.stringify(plan));
    assert.equal((await readPlanFile(join(dir, 'p.json'))).actions.length, plan.actions.length);
  });
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_PLAN_FILE, readPlanFile, writePlanFile } from '../../../src/adapters/files/plan-file.js';
import { encodePlan } from '../../../src/core/plan-codec.js';
import type { Plan } from '../../../src/core/plan.js';
import { planChanges } from '../../../src/core/planner.js';
import { brokerRequest as req, exportFiles, plannerInput, remoteFile, trackedEntry } from '../../support/builders.js';
import { failure } from '../../support/problems.js';
import { tempDir } from '../../support/temp-dir.js';

function samplePlan(): Plan {
  const outcome = planChanges(
    plannerInput({ requests: [req('2', '0.5'), req('6', '0.0')], entries: [trackedEntry('2'), trackedEntry('3')], files: [...exportFiles('2', '3'), remoteFile('.export_6.zip.0a1b2c3d.part')] }),
  );
  assert.ok(outcome.ok);
  return outcome.value;
}

const dir = () => tempDir('plan-file');

/** Writes the sample plan as JSON after `change`, and returns the problem reading it gives. */
async function readBroken(change: (plan: Record<string, any>) => void) {
  const path = join(dir(), 'plan.json');
  const plan = JSON.parse(encodePlan(samplePlan()));
  change(plan);
  writeFileSync(path, JSON.stringify(plan));
  const error = await failure(readPlanFile(path));
  assert.equal(error.code, 'PLAN_INVALID');
  return { path, problem: error.problems[0]!, text: `${error.problems[0]!.title}\n${error.problems[0]!.detail}` };
}

describe('writePlanFile', () => {
  it('writes the encoded plan atomically with mode 0644 whatever the umask, leaving no temporary file', async () => {
    const folder = dir();
    const path = join(folder, 'plan.json');
    const old = process.umask(0o077);
    try {
      await writePlanFile(path, samplePlan());
    } finally {
      process.umask(old);
    }
    assert.equal(readFileSync(path, 'utf8'), encodePlan(samplePlan()));
    assert.equal(statSync(path).mode & 0o777, 0o644);
    assert.deepEqual(readdirSync(folder), ['plan.json']);
  });

  it('replaces an existing plan', async () => {
    const path = join(dir(), 'plan.json');
    writeFileSync(path, 'old');
    await writePlanFile(path, samplePlan());
    assert.deepEqual(await readPlanFile(path), samplePlan());
  });

  it('fails with FILE_IO naming the path when the folder does not exist', async () => {
    const path = join(dir(), 'missing', 'plan.json');
    const error = await failure(writePlanFile(path, samplePlan()));
    assert.equal(error.code, 'FILE_IO');
    assert.ok(error.problems[0]!.title.includes(path));
  });
});

describe('readPlanFile', () => {
  it('reads back what writePlanFile wrote', async () => {
    const path = join(dir(), 'plan.json');
    await writePlanFile(path, samplePlan());
    assert.deepEqual(await readPlanFile(path), samplePlan());
  });

  it('names a missing file, and a file that is not JSON', async () => {
    const folder = dir();
    const missing = await failure(readPlanFile(join(folder, 'nope.json')));
    assert.equal(missing.code, 'PLAN_INVALID');
    assert.equal(missing.problems[0]!.title, `Cannot read the plan ${join(folder, 'nope.json')}`);
    assert.equal(missing.problems[0]!.detail, 'The file does not exist.');
    writeFileSync(join(folder, 'bad.json'), '{"format_version": "1.0", "secret": hunter2');
    const bad = await failure(readPlanFile(join(folder, 'bad.json')));
    assert.match(bad.problems[0]!.detail!, /^It is not JSON/);
    assert.ok(!JSON.stringify(bad.problems).includes('hunter2'), 'the file is never quoted');
  });

  it('refuses a plan file past its cap before parsing it, naming the file and the limit', async () => {
    const path = join(dir(), 'huge.json');
    writeFileSync(path, '');
    truncateSync(path, MAX_PLAN_FILE + 1);
    const error = await failure(readPlanFile(path));
    assert.equal(error.code, 'PLAN_INVALID');
    assert.equal(error.problems[0]!.title, `Cannot read the plan ${path}`);
    assert.match(error.problems[0]!.detail!, /^It holds more than 64 MiB, the largest plan aktin-sftp reads/);
    assert.match(error.problems[0]!.hint!, /plan --only/);
  });

  it('lists every schema error with its JSON pointer, naming the file', async () => {
    const { path, problem, text } = await readBroken((p) => {
      p.config_sha256 = 'ABC';
      p.actions[0].kind = 'chmod';
      p.actions[1].precondition.remote.size = -1;
    });
    assert.equal(problem.title, `${path} is not a valid aktin-sftp plan`);
    assert.match(text, /^- \/config_sha256 must match pattern/m);
    assert.match(text, /^- \/actions\/0\/kind must be equal to one of the allowed values: "create", "update"/m);
    assert.match(text, /^- \/actions\/1\/precondition\/remote\/size must be >= 0$/m);
    assert.match(problem.hint!, /Do not edit saved plans/);
  });

  it('refuses a field this format version does not have, naming it', async () => {
    const { text } = await readBroken((p) => (p.actions[0].password = 'hunter2'));
    assert.match(text, /^- \/actions\/0 must NOT have additional properties \("password"\)$/m);
  });

  it('refuses paths and unknown names as addresses, and a create without after', async () => {
    assert.match((await readBroken((p) => (p.actions[0].address = '../etc/passwd'))).text, /^- \/actions\/0\/address must match pattern/m);
    assert.match((await readBroken((p) => (p.actions[0].after = null))).text, /^- \/actions\/0\/after must be object$/m);
  });

  it('refuses another major format version before looking further', async () => {
    const { path, problem } = await readBroken((p) => {
      p.format_version = '2.0';
      p.actions = 'new shape';
    });
    assert.equal(problem.title, `${path} is a plan of format 2.0; this aktin-sftp reads format 1.x`);
  });

  it('reads a newer minor version, dropping the fields it adds, but still checks the fields it knows', async () => {
    const folder = dir();
    const plan = JSON.parse(encodePlan(samplePlan()));
    plan.format_version = '1.4';
    plan.review = { approved_by: 'ci' };
    plan.actions[0].bundle_sha256 = 'f'.repeat(64);
    writeFileSync(join(folder, 'newer.json'), JSON.stringify(plan));
    const read = await readPlanFile(join(folder, 'newer.json'));
    assert.deepEqual({ ...read, format_version: '1.2' }, samplePlan());

    plan.actions[0].kind = 'chmod';
    writeFileSync(join(folder, 'newer-bad.json'), JSON.stringify(plan));
    assert.match((await failure(readPlanFile(join(folder, 'newer-bad.json')))).problems[0]!.detail!, /\/actions\/0\/kind/);
  });

  it('refuses a summary edited by hand', async () => {
    const { path, problem } = await readBroken((p) => (p.summary.destroy = 0));
    assert.equal(problem.title, `${path}: the summary does not match the actions`);
  });
});

/**
 * apply refusing cleanly, through the built CLI on the real sshd and the broker emulator: a
 * folder that takes no files costs no export, a hand-edited plan changes nothing. Each case:
 * the exit code, the problem named without a stack trace or secret, no lock left, nothing
 * changed, and the next clean run converges.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RemoteFolder } from '../src/app/ports.js';
import type { BrokerEmulator } from './broker-emulator/index.js';
import { runCliProcess } from './support/cli-process.js';
import type { Deployment, SftpTarget } from './support/e2e-world.js';
import { startSshdWorld, type SshdWorld } from './support/sshd-world.js';

describe('apply refusals on real parts', () => {
  let world: SshdWorld;
  let emulator: BrokerEmulator;
  let target: SftpTarget;
  let deployment: Deployment;
  let folder: RemoteFolder;
  const cli = (...args: string[]) => runCliProcess(['-c', deployment.configFile, ...args], { cwd: deployment.dir });
  const clean = (text: string) => {
    assert.doesNotMatch(text, /\n\s+at .*:\d+:\d+/, 'no stack trace');
    assert.ok(!text.includes(target.password) && !text.includes('xxxAdmin1234'), 'no secret');
  };
  const noLock = () => assert.ok(!existsSync(join(deployment.workingDir, 'status.xml.lock')), 'no lock left behind');

  before(async () => {
    world = await startSshdWorld({ own: 'refusals', results: 2 });
    ({ emulator, target, deployment, folder } = world);
  });
  after(() => world?.close());

  it('a folder that takes no files: exit 1 after one probe, no export made', async () => {
    const readOnly = join(deployment.dir, 'read-only.toml');
    // The chroot's root belongs to root: the test user can list it but not write to it.
    writeFileSync(readOnly, readFileSync(deployment.configFile, 'utf8').replace(/^FOLDERNAME = .*$/m, 'FOLDERNAME = "/"'), { mode: 0o600 });
    const exportsBefore = emulator.stats().calls.export ?? 0;
    const run = await runCliProcess(['apply', '--auto-approve', '-c', readOnly], { cwd: deployment.dir });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /REMOTE_PERMISSION/);
    assert.match(run.stderr, /checked before any export/);
    clean(run.stderr);
    assert.equal((emulator.stats().calls.export ?? 0) - exportsBefore, 0, 'no bundle was exported');
    noLock();
    assert.ok(!existsSync(join(deployment.workingDir, 'status.xml')), 'nothing recorded');
  });

  const edits: [string, (plan: any) => void, RegExp][] = [
    ["request 0's upload aimed at export_1.zip", (p) => (p.actions[0].address = 'export_1.zip'), /export_1\.zip belongs to request 1, the action names request 0/],
    ['remove_temp aimed at a real file', (p) => Object.assign(p.actions[0], { kind: 'remove_temp', request_id: null, before: null, after: null, reason: 'stray_temp_file', address: 'status.xml' }), /removes only temporary upload files/],
    ['an action the planner does not make from the pinned inputs', (p) => (p.actions[0].after.completion = '0.5'), /actions aktin-sftp did not plan/],
  ];
  for (const [name, edit, message] of edits) {
    it(`a hand-edited plan (${name}): exit 64, nothing changed`, async () => {
      const planned = await cli('plan', '-o', 'plan.json');
      assert.equal(planned.code, 0, planned.stderr);
      const plan = JSON.parse(readFileSync(join(deployment.dir, 'plan.json'), 'utf8'));
      edit(plan);
      writeFileSync(join(deployment.dir, 'edited.json'), JSON.stringify(plan));
      const run = await cli('apply', 'edited.json');
      assert.equal(run.code, 64, run.stderr + run.stdout);
      assert.match(run.stderr, /PLAN_INVALID/);
      assert.match(run.stderr, message);
      clean(run.stderr);
      noLock();
      assert.deepEqual(await folder.list(), []);
      assert.ok(!existsSync(join(deployment.workingDir, 'status.xml')));
    });
  }

  it('the unedited plan then applies and converges', async () => {
    assert.equal((await cli('plan', '-o', 'plan.json')).code, 0);
    const run = await cli('apply', 'plan.json');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((await folder.list()).map((f) => f.name).sort(), ['export_0.zip', 'export_1.zip', 'status.xml']);
    assert.equal((await cli('plan', '--detailed-exitcode')).code, 0);
    noLock();
  });
});

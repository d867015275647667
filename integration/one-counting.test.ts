/**
 * One counting across every output (issue 23: one apply said "5/5 actions", "Resources: 2 added,
 * 2 changed, 2 destroyed" and "4 done"; a GitLab widget read summary.change 1 where the text said
 * 2). Through the built CLI on the real sshd and the broker emulator, a plan with a create, a
 * replace, an update, a delete and the ledger upload: the text line, the JSON summary and apply's
 * Resources line agree, and the actions counted at the start are the actions counted done.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RemoteFolder } from '../src/app/ports.js';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from './broker-emulator/index.js';
import { runCliProcess } from './support/cli-process.js';
import { createDeployment, openTargetFolder, sshdTarget, type Deployment } from './support/e2e-world.js';
import { tempDir } from '../test/support/temp-dir.js';

describe('one counting: plan text, plan JSON and apply', () => {
  let emulator: BrokerEmulator;
  let deployment: Deployment;
  let folder: RemoteFolder;
  const cli = (...args: string[]) => runCliProcess(['-c', deployment.configFile, ...args], { cwd: deployment.dir });

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    const target = sshdTarget({ own: 'one-counting' });
    deployment = createDeployment({ brokerUrl: emulator.url, tag: 'rki', sftp: target, dir: tempDir('one-counting') });
    folder = await openTargetFolder(target);
    for (const file of await folder.list()) await folder.remove(file.name);
  });
  after(async () => {
    await folder?.close();
    await emulator?.close();
  });

  it('create, replace, update, delete and the ledger: 2 to add, 2 to change, 2 to destroy; 5 actions, 5 done', async () => {
    const driver = new BrokerDriver(emulator.url);
    const hospital = driver.node('xxxApiKey123');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await driver.createRequest({ tags: ['rki'] });
      await hospital.putResult(id, `result ${id}`, 'text/plain');
      await hospital.postStatus(id, 'completed');
      ids.push(id);
    }
    const first = await cli('apply', '--auto-approve');
    assert.equal(first.code, 0, first.combined);
    const [replaced, updated, deleted] = ids as [string, string, string];
    await folder.remove(`export_${replaced}.zip`); // missing on the server: replaced
    await driver.node('xxxApiKey567').postStatus(updated, 'processing'); // a second node: completion 0.5, updated
    await driver.deleteRequest(deleted); // gone from the broker: deleted
    const created = await driver.createRequest({ tags: ['rki'] });
    await hospital.postStatus(created, 'completed');

    const planned = await cli('plan', '-o', 'plan.json');
    assert.equal(planned.code, 0, planned.combined);
    assert.match(planned.stdout, /^Plan: 2 to add, 2 to change, 2 to destroy\.$/m);
    const plan = JSON.parse(readFileSync(join(deployment.dir, 'plan.json'), 'utf8')) as { actions: { kind: string }[]; summary: object };
    assert.deepEqual(plan.actions.map((a) => a.kind).sort(), ['create', 'delete', 'publish_ledger', 'replace', 'update']);
    assert.deepEqual(plan.summary, { add: 2, change: 2, destroy: 2, publish_ledger: true }, 'the JSON says what the text says');

    const applied = await cli('apply', 'plan.json', '--log-format', 'json');
    assert.equal(applied.code, 0, applied.combined);
    assert.match(applied.stdout, /^Apply complete! Resources: 2 added, 2 changed, 2 destroyed\. Ledger status\.xml published\.$/m);
    const events = applied.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; actions?: number; done?: number; message: string });
    const start = events.find((e) => e.event === 'apply_start')!;
    const summary = events.find((e) => e.event === 'apply_summary')!;
    assert.equal(start.actions, 5);
    assert.equal(events.filter((e) => e.event === 'action_done').length, 5, 'one action_done per action, the ledger upload included');
    assert.equal(summary.done, 5);
    assert.match(summary.message, /: 5 done, /);
  });
});

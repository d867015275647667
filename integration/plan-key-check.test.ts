/**
 * `plan` checks the key file apply will need (issue 23: a KEY_INVALID key planned with exit 0
 * and failed only at apply, after the review). Through the built CLI on the real sshd and the
 * broker emulator: an invalid key fails the plan as apply does; a missing one (a CI plan job
 * without secrets) plans with a notice and the usual exit code.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from './broker-emulator/index.js';
import { runCliProcess } from './support/cli-process.js';
import { createDeployment, sshdTarget, type Deployment } from './support/e2e-world.js';
import { tempDir } from '../test/support/temp-dir.js';

describe('plan and the key file', () => {
  let emulator: BrokerEmulator;
  let deployment: Deployment;
  const cli = (...args: string[]) => runCliProcess(['-c', deployment.configFile, ...args], { cwd: deployment.dir });

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    const driver = new BrokerDriver(emulator.url);
    const id = await driver.createRequest({ tags: ['rki'] });
    await driver.node('xxxApiKey123').putResult(id, 'a;b\n', 'text/csv');
    await driver.node('xxxApiKey123').postStatus(id, 'completed');
    deployment = createDeployment({ brokerUrl: emulator.url, tag: 'rki', sftp: sshdTarget({ own: 'plan-key' }), dir: tempDir('plan-key') });
  });
  after(async () => {
    await emulator?.close();
  });

  it('an invalid key file: plan exits 1 with KEY_INVALID, as apply would', async () => {
    writeFileSync(deployment.keyFile, 'not a key at all\n', { mode: 0o600 });
    for (const args of [['plan'], ['plan', '--detailed-exitcode'], ['apply', '--dry-run']]) {
      const run = await cli(...args);
      assert.equal(run.code, 1, `${args.join(' ')}: ${run.combined}`);
      assert.match(run.stderr, /The key file \S+rki\.key is not a Fernet key \[KEY_INVALID\]/);
      assert.ok(!run.combined.includes('not a key at all'), 'the file content is not quoted');
    }
  });

  it('no key file: plan runs, says so in a notice, exit code unchanged', async () => {
    rmSync(deployment.keyFile, { force: true });
    const run = await cli('plan', '--detailed-exitcode');
    assert.equal(run.code, 2, run.combined); // one request to upload: "changes"
    assert.match(run.stderr, /Notice: the key file \S+rki\.key \(\[SECURITY\] PATH_ENCRYPTION_KEY\) is not there, so this plan did not check it; apply needs it\./);
    assert.match(run.stdout, /Plan: 1 to add/);
    const json = await cli('plan', '--log-format', 'json');
    assert.equal(json.code, 0, json.combined);
    const notice = json.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: string; event: string }).find((l) => l.event === 'notice');
    assert.equal(notice?.level, 'info');
    // apply still needs it: the config check refuses before anything is touched.
    const apply = await cli('apply', '--auto-approve');
    assert.equal(apply.code, 64, apply.combined);
    assert.match(apply.stderr, /PATH_ENCRYPTION_KEY.*must be an existing file/);
  });
});

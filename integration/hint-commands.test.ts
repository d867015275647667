/**
 * The commands hints tell people to run work when copied (issue 23: they dropped `-c FILE`, and
 * the copy exited 64). Through the built CLI on the real sshd and the broker emulator, with a
 * config whose path has a space: the "run: aktin-sftp apply …" line of `plan -o` and the
 * force-unlock line of LEDGER_LOCKED are run as printed, by sh, with `aktin-sftp` on the PATH.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { acquireLedgerLock } from '../src/adapters/ledger/lock.js';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from './broker-emulator/index.js';
import { CLI, runCliProcess } from './support/cli-process.js';
import { createDeployment, sshdTarget, type Deployment } from './support/e2e-world.js';
import { tempDir } from '../test/support/temp-dir.js';

describe('hints that name a command: copied as printed, they run', () => {
  let emulator: BrokerEmulator;
  let deployment: Deployment;
  let config: string;
  let bin: string;
  /** A line as a user pastes it into sh, with the installed `aktin-sftp` being the built CLI (async: the emulator lives in this process). */
  const paste = (line: string) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('sh', ['-c', line], { cwd: deployment.dir, env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '/root', NO_COLOR: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    const driver = new BrokerDriver(emulator.url);
    const id = await driver.createRequest({ tags: ['rki'] });
    await driver.node('xxxApiKey123').putResult(id, 'a;b\n', 'text/csv');
    await driver.node('xxxApiKey123').postStatus(id, 'completed');
    const target = sshdTarget({ own: 'hint-commands' });
    deployment = createDeployment({ brokerUrl: emulator.url, tag: 'rki', sftp: target, dir: tempDir('hint-commands') });
    mkdirSync(join(deployment.dir, 'conf d'));
    config = join(deployment.dir, 'conf d', 'my settings.toml');
    writeFileSync(config, readFileSync(deployment.configFile, 'utf8'), { mode: 0o600 });
    bin = join(deployment.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'aktin-sftp'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
    chmodSync(join(bin, 'aktin-sftp'), 0o755);
  });
  after(async () => {
    await emulator?.close();
  });

  it('plan -o: the printed apply line repeats -c and applies the plan', async () => {
    const planned = await runCliProcess(['plan', '-c', config, '-o', 'the plan.json'], { cwd: deployment.dir });
    assert.equal(planned.code, 0, planned.combined);
    const line = /To perform exactly these actions, run: (.+)$/m.exec(planned.stdout)?.[1];
    assert.equal(line, `aktin-sftp apply 'the plan.json' -c '${config}'`);
    const applied = await paste(line);
    assert.equal(applied.status, 0, applied.stderr + applied.stdout);
    assert.match(applied.stdout, /Apply complete!/);
  });

  it('LEDGER_LOCKED: exit 4, and its force-unlock line repeats -c and removes the lock', async () => {
    const held = await acquireLedgerLock(deployment.workingDir, 'apply', { now: new Date(), toolVersion: 'test' });
    try {
      const blocked = await runCliProcess(['apply', '--auto-approve', '-c', config], { cwd: deployment.dir });
      assert.equal(blocked.code, 4, blocked.combined);
      assert.match(blocked.stderr, /LEDGER_LOCKED/);
      const line = /^\s+(aktin-sftp force-unlock .+)$/m.exec(blocked.stderr)?.[1];
      assert.equal(line, `aktin-sftp force-unlock ${held.info.id} -c '${config}'`);
      const unlocked = await paste(line);
      assert.equal(unlocked.status, 0, unlocked.stderr + unlocked.stdout);
      assert.match(unlocked.stdout, new RegExp(`Removed the ledger lock ${held.info.id}`));
      assert.ok(!existsSync(join(deployment.workingDir, 'status.xml.lock')));
    } finally {
      await held.release().catch(() => undefined);
    }
  });
});

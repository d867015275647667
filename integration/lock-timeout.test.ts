/**
 * `apply --lock-timeout` through the built CLI, against the broker emulator and the real sshd,
 * with the lock held by another holder (this test process, which is alive, so it is never taken
 * over). The test acts once the waiter has observably started waiting — its announcement on
 * stderr — never after a guessed sleep: released then, the apply proceeds and exits 0;
 * interrupted then, it exits 130 having taken nothing and changed nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { acquireLedgerLock } from '../src/adapters/ledger/lock.js';
import type { RemoteFolder } from '../src/app/ports.js';
import { startCli } from './support/cli-process.js';
import type { Deployment } from './support/e2e-world.js';
import { startSshdWorld, type SshdWorld } from './support/sshd-world.js';

async function until(what: string, condition: () => boolean, deadlineMs = 60_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('apply --lock-timeout on real parts', () => {
  let world: SshdWorld | undefined;
  let deployment: Deployment;
  let folder: RemoteFolder;

  before(async () => {
    world = await startSshdWorld({ own: 'lock-timeout', results: 1 });
    ({ deployment, folder } = world);
  });

  after(async () => {
    await world?.close();
  });

  const hold = () => acquireLedgerLock(deployment.workingDir, 'apply', { now: new Date(), toolVersion: 'test' });
  const lockFile = () => join(deployment.workingDir, 'status.xml.lock');

  it('interrupted while waiting: exit 130, the holder\'s lock untouched, nothing uploaded', async () => {
    const holder = await hold();
    const run = startCli(['-c', deployment.configFile, 'apply', '--auto-approve', '--lock-timeout', '10m'], { cwd: deployment.dir });
    try {
      await until('the waiting announcement', () => /waiting up to 10m/.test(run.stderrSoFar()));
      run.child.kill('SIGINT');
      const done = await run.done;
      assert.equal(done.code, 130, done.stderr);
      assert.match(done.stderr, /Interrupted while waiting for the ledger lock/);
      assert.equal(JSON.parse(readFileSync(lockFile(), 'utf8')).id, holder.info.id);
      assert.deepEqual(await folder.list(), []);
    } finally {
      run.child.kill('SIGKILL');
      await holder.release();
    }
  });

  it('the holder releases during the wait: apply takes the lock, uploads, exits 0', async () => {
    const holder = await hold();
    const run = startCli(['-c', deployment.configFile, 'apply', '--auto-approve', '--lock-timeout', '10m'], { cwd: deployment.dir });
    try {
      await until('the waiting announcement', () => /waiting up to 10m/.test(run.stderrSoFar()));
      assert.match(run.stderrSoFar(), new RegExp(`process ${process.pid}.*lock ${holder.info.id}`));
      await holder.release();
      const done = await run.done;
      assert.equal(done.code, 0, done.stderr + done.stdout);
      assert.deepEqual((await folder.list()).map((f) => f.name).sort(), ['export_0.zip', 'status.xml']);
      assert.ok(!existsSync(lockFile()), 'the apply released its lock');
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});

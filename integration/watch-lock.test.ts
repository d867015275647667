/**
 * A cron `apply` and `aktin-sftp watch` on the same working directory meet at the ledger lock,
 * on real parts (the built CLI as a child process, the broker emulator over HTTP and websocket,
 * the real sshd). While another run holds the lock (taken here with the same lock code a cron
 * `apply` uses, by this live process, so the test decides when it ends), watch's cycle fails with
 * LEDGER_LOCKED, changes nothing, says so in its log as a warning (a wait, not an error) and on /healthz, and is retried with backoff
 * for as long as it takes; once the lock is free the retry does the work. A cron run after that
 * finds nothing to do. (The other way round, a cron run meeting watch's lock, is in
 * watch-sigterm.test.ts.)
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { acquireLedgerLock } from '../src/adapters/ledger/lock.js';
import type { RemoteFolder } from '../src/app/ports.js';
import { BrokerDriver } from './broker-driver.js';
import type { BrokerEmulator } from './broker-emulator/index.js';
import { runCliProcess, startCli } from './support/cli-process.js';
import type { Deployment } from './support/e2e-world.js';
import { startSshdWorld, type SshdWorld } from './support/sshd-world.js';
import { eventually } from './support/eventually.js';

describe('aktin-sftp watch and a cron apply', () => {
  let world: SshdWorld;
  let emulator: BrokerEmulator;
  let deployment: Deployment;
  let folder: RemoteFolder;

  before(async () => {
    world = await startSshdWorld({ own: 'watch-lock', extraToml: '[WATCH]\nDEBOUNCE = 1\nRESYNC = 3600\n' });
    ({ emulator, deployment, folder } = world);
  });
  after(() => world?.close());

  it('retries a cycle that meets the lock until it is free, then does the work', async () => {
    const run = startCli(['watch', '-c', deployment.configFile, '--listen', '127.0.0.1:0'], { cwd: deployment.dir });
    const lines = (pattern: RegExp) => run.stderrSoFar().split('\n').filter((l) => pattern.test(l));
    try {
      await eventually('the start cycle', () => (lines(/ start cycle for all requests: /).length > 0 ? true : undefined));
      await eventually('the websocket', () => (emulator.websocket.stats().open === 1 ? true : undefined));
      const url = /\/healthz and \/metrics on (http:\S+)/.exec(run.stderrSoFar())![1]!;

      const held = await acquireLedgerLock(deployment.workingDir, 'apply', { now: new Date(), toolVersion: 'test' });
      let id = '';
      try {
        const driver = new BrokerDriver(emulator.url);
        id = await driver.createRequest({ tags: ['rki'] });
        await driver.node('xxxApiKey123').putResult(id, 'a;b\n', 'text/csv');
        await driver.node('xxxApiKey123').postStatus(id, 'completed');
        // Two failed tries while the lock is held: the first and its first retry.
        const failed = await eventually('two cycles meeting the lock', () => {
          const found = lines(new RegExp(` warn watch: events cycle for request ${id}.* waits for another run's lock .*LEDGER_LOCKED.*; retry in `));
          return found.length >= 2 ? found : undefined;
        });
        assert.match(failed[1]!, /\(attempt 2\)/, failed.join('\n'));
        assert.deepEqual(lines(/ error /), [], 'waiting for a cron run\'s lock is no error');
        assert.deepEqual((await folder.list()).map((f) => f.name), [], 'nothing written under the other run\'s lock');
        const health = (await (await fetch(`${url}/healthz`)).json()) as { lastCycle: { ok: boolean; code?: string } };
        assert.deepEqual([health.lastCycle.ok, health.lastCycle.code], [false, 'LEDGER_LOCKED']);
      } finally {
        await held.release();
      }

      const done = await eventually('the retry after the lock is free', () => lines(new RegExp(` events cycle for request ${id} \\(attempt \\d+\\): `)).find((l) => !/ failed after /.test(l)));
      assert.match(done, /: 1 create, 1 publish_ledger in /, done);
      assert.deepEqual((await folder.list()).map((f) => f.name).sort(), [`export_${id}.zip`, 'status.xml']);

      // The cron run after it: nothing to do, the same ledger.
      const cron = await runCliProcess(['apply', '--auto-approve', '-c', deployment.configFile], { cwd: deployment.dir });
      assert.equal(cron.code, 0, cron.combined);
      assert.match(cron.stdout, /No changes/i);
    } finally {
      run.child.kill('SIGTERM');
    }
    const stopped = await run.done;
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.ok(!existsSync(join(deployment.workingDir, 'status.xml.lock')), 'the lock is released');
  });
});

/**
 * `aktin-sftp watch` through the built CLI on real parts: the broker emulator over HTTP and its
 * websocket, the real sshd. A node's result reaches the SFTP folder after one targeted cycle
 * that asks the broker only about that request; an idle daemon asks the broker nothing; a request
 * deleted while the socket was down is removed by the reconnect's full reconcile; SIGTERM ends the
 * daemon with 0 and no lock.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fernetDecrypt, parseFernetKey } from '../src/adapters/encryption/fernet/fernet.js';
import type { RemoteFolder } from '../src/app/ports.js';
import { BrokerDriver } from './broker-driver.js';
import type { BrokerEmulator } from './broker-emulator/index.js';
import { startCli } from './support/cli-process.js';
import type { Deployment } from './support/e2e-world.js';
import { startSshdWorld, type SshdWorld } from './support/sshd-world.js';
import { eventually } from './support/eventually.js';

describe('aktin-sftp watch', () => {
  let world: SshdWorld;
  let emulator: BrokerEmulator;
  let deployment: Deployment;
  let folder: RemoteFolder;
  const driver = () => new BrokerDriver(emulator.url);
  const hospital = () => driver().node('xxxApiKey123');

  before(async () => {
    world = await startSshdWorld({ own: 'watch', results: 2, extraToml: '[WATCH]\nDEBOUNCE = 1\n' });
    ({ emulator, deployment, folder } = world);
  });
  after(() => world?.close());

  it('reconciles at start, then uploads a new result after a targeted cycle, and stops cleanly on SIGTERM', async () => {
    const run = startCli(['watch', '-c', deployment.configFile, '--listen', '127.0.0.1:0'], { cwd: deployment.dir });
    try {
      await eventually('the start cycle', () => (/start cycle for all requests: .* in /.test(run.stderrSoFar()) ? true : undefined));
      assert.deepEqual((await folder.list()).map((f) => f.name).sort(), ['export_0.zip', 'export_1.zip', 'status.xml']);
      await eventually('the websocket', () => (/connected to the broker's websocket/.test(run.stderrSoFar()) ? true : undefined));

      const statusBefore = emulator.stats().calls.status ?? 0;
      const id = await driver().createRequest({ tags: ['rki'] });
      await hospital().putResult(id, Buffer.from('the new result'), 'text/plain');
      await hospital().postStatus(id, 'completed');
      const token = await eventually(`export_${id}.zip`, async () => (await folder.read(`export_${id}.zip`, 1 << 20)) ?? undefined);
      assert.ok(fernetDecrypt(parseFernetKey(deployment.key), token).subarray(0, 2).equals(Buffer.from('PK')), 'a bundle, encrypted');

      // Every targeted cycle reads the one request's status, nothing else.
      const targeted = await eventually('the cycle log', () => {
        const lines = run.stderrSoFar().split('\n').filter((l) => new RegExp(`events cycle for request ${id}: `).test(l));
        return lines.length > 0 ? lines : undefined;
      });
      const eventCycles = run.stderrSoFar().split('\n').filter((l) => / events cycle for /.test(l));
      assert.ok(eventCycles.every((l) => l.includes(`events cycle for request ${id}: `)), eventCycles.join('\n'));
      assert.equal((emulator.stats().calls.status ?? 0) - statusBefore, targeted.length);

      const url = /\/healthz and \/metrics on (http:\S+)/.exec(run.stderrSoFar())?.[1];
      assert.ok(url);
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(((await health.json()) as { connected: boolean }).connected, true);
      assert.match(await (await fetch(`${url}/metrics`)).text(), /aktin_sftp_watch_cycles_total\{trigger="events",outcome="ok"\} [1-9]/);

      // Idle: between events and resyncs the broker is not asked anything.
      const idleFrom = emulator.stats().calls.status ?? 0;
      const idleCycles = (run.stderrSoFar().match(/ cycle for /g) ?? []).length;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      assert.equal((run.stderrSoFar().match(/ cycle for /g) ?? []).length, idleCycles, 'no cycle while idle (RESYNC is an hour)');
      assert.equal(emulator.stats().calls.status ?? 0, idleFrom, 'no status call while idle');

      // Deletions are not announced, and events are lost while the socket is down: the full
      // reconcile after the reconnect picks both up.
      const reconnects = (run.stderrSoFar().match(/reconnect cycle for all requests: /g) ?? []).length;
      await driver().deleteRequest('0');
      emulator.websocket.drop();
      await eventually('the reconnect cycle', () => ((run.stderrSoFar().match(/reconnect cycle for all requests: /g) ?? []).length > reconnects ? true : undefined));
      assert.deepEqual((await folder.list()).map((f) => f.name).sort(), ['export_1.zip', `export_${id}.zip`, 'status.xml']);
    } finally {
      run.child.kill('SIGTERM');
    }
    const done = await run.done;
    assert.equal(done.code, 0, done.stderr);
    assert.ok(!/Error|at .*\.js:\d+/.test(done.stderr), done.stderr);
    assert.ok(!existsSync(join(deployment.workingDir, 'status.xml.lock')), 'the lock is released');
  });
});

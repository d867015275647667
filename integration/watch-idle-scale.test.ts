/**
 * Issue 12's idle criterion at scale, on real parts (the built CLI as a child process, the broker
 * emulator over HTTP and its websocket, the real sshd): with 2,000 tagged requests reconciled,
 * an idle `aktin-sftp watch` makes no broker call at all between events and resyncs, and one
 * node's change costs calls about that one request only (plus the one filtered list), however
 * many requests there are; SIGTERM while idle ends it with 0 at once, lock released. Counted in the emulator's call log, not inferred from the log lines.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RemoteFolder } from '../src/app/ports.js';
import { BrokerDriver } from './broker-driver.js';
import type { BrokerEmulator, SeedRequest } from './broker-emulator/index.js';
import { startCli } from './support/cli-process.js';
import type { Deployment } from './support/e2e-world.js';
import { startSshdWorld, type SshdWorld } from './support/sshd-world.js';
import { eventually } from './support/eventually.js';

const REQUESTS = 2000;
const DEBOUNCE_S = 1;

describe('aktin-sftp watch with 2,000 tagged requests', () => {
  let world: SshdWorld;
  let emulator: BrokerEmulator;
  let deployment: Deployment;
  let folder: RemoteFolder;

  before(async () => {
    // Seeded in-process (as bench-sync.ts does): 2,000 requests over HTTP would cost minutes. Tiny
    // results keep the first sync's uploads cheap; what is measured is the calls, not the bytes.
    const requests: SeedRequest[] = Array.from({ length: REQUESTS }, (_, i) => ({
      tags: ['rki'],
      nodes: [{ key: 'xxxApiKey123', result: `r;${i}\n`, status: 'completed', date: '2024-05-01T10:00:00Z' }],
    }));
    world = await startSshdWorld({
      own: 'watch-idle-scale',
      emulator: { seed: { requests } },
      // RESYNC an hour: no periodic full reconcile falls into the test's windows.
      extraToml: `[WATCH]\nDEBOUNCE = ${DEBOUNCE_S}\nRESYNC = 3600\n`,
    });
    ({ emulator, deployment, folder } = world);
  });
  after(() => world?.close());

  it('asks the broker nothing while idle, and only about the request an event names', async () => {
    const run = startCli(['watch', '-c', deployment.configFile], { cwd: deployment.dir });
    const cycleLines = () => run.stderrSoFar().split('\n').filter((l) => / cycle for /.test(l));
    let stoppedAt: number;
    let cyclesAtStop: number;
    try {
      // The first sync of 2,000 uploads takes a while on a loaded 2-core machine: a generous deadline.
      const start = await eventually('the start cycle', () => cycleLines().find((l) => / start cycle for all requests: /.test(l)), 600_000);
      assert.match(start, new RegExp(`: ${REQUESTS} create, 1 publish_ledger in `), start);
      assert.equal((await folder.list()).filter((f) => /^export_\d+\.zip$/.test(f.name)).length, REQUESTS);
      await eventually('the websocket', () => (emulator.websocket.stats().open === 1 ? true : undefined));

      // Idle for several debounce windows: not one HTTP request reaches the broker.
      const idleMark = emulator.stats().requests;
      const cyclesBefore = cycleLines().length;
      const idleFrom = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 5 * DEBOUNCE_S * 1000));
      assert.ok(performance.now() - idleFrom >= 5 * DEBOUNCE_S * 1000 - 50); // a lower bound only
      assert.deepEqual(emulator.callsSince(idleMark), [], 'no broker call while idle');
      assert.equal(emulator.stats().requests, idleMark);
      assert.equal(cycleLines().length, cyclesBefore, `no cycle while idle:\n${cycleLines().slice(cyclesBefore).join('\n')}`);
      assert.equal(emulator.websocket.stats().open, 1, 'idle, not disconnected');

      // A second hospital completes request 1234: its events become one targeted cycle.
      const id = '1234';
      const eventMark = emulator.stats().requests;
      const hospital = new BrokerDriver(emulator.url).node('xxxApiKey567');
      await hospital.putResult(id, 'r;second\n', 'text/csv');
      await hospital.postStatus(id, 'completed');
      const line = await eventually(`the events cycle for request ${id}`, () => cycleLines().find((l) => l.includes(` events cycle for request ${id}: `)));
      assert.match(line, /: 1 update, 1 publish_ledger in /, line);
      const settledFrom = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 3 * DEBOUNCE_S * 1000)); // anything the event might still cause
      assert.ok(performance.now() - settledFrom >= 3 * DEBOUNCE_S * 1000 - 50);

      const calls = emulator.callsSince(eventMark);
      const ours = calls.filter((c) => c.route === 'node-result' || c.route === 'node-status');
      const watch = calls.filter((c) => !ours.includes(c));
      const shown = watch.map((c) => `${c.method} ${c.path}`).join('\n');
      assert.equal(ours.length, 2);
      assert.deepEqual(watch.filter((c) => c.route === 'filtered').length, 1, `one filtered list:\n${shown}`);
      assert.deepEqual(watch.filter((c) => c.route === 'status').map((c) => c.path), [`/broker/request/${id}/status`], shown);
      assert.deepEqual(watch.filter((c) => c.route === 'export').map((c) => c.path), [`/broker/export/request-bundle/${id}`], shown);
      assert.equal(watch.filter((c) => c.route === 'download').length, 1, shown);
      assert.equal(watch.length, 4, `nothing else:\n${shown}`);
      assert.equal(cycleLines().filter((l) => / events cycle for /.test(l)).length, 1, cycleLines().join('\n'));
    } finally {
      stoppedAt = performance.now();
      cyclesAtStop = cycleLines().length;
      run.child.kill('SIGTERM');
    }
    // SIGTERM while idle: no cycle first, out at once (the bound only catches a hang).
    const done = await run.done;
    assert.ok(performance.now() - stoppedAt < 30_000, `${(performance.now() - stoppedAt).toFixed(0)} ms to stop`);
    assert.equal(cycleLines().length, cyclesAtStop, 'no cycle after SIGTERM');
    assert.equal(done.code, 0, done.stderr);
    assert.ok(!existsSync(join(deployment.workingDir, 'status.xml.lock')), 'the lock is released');
  });
});

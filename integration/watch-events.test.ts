/**
 * The watch loop on the real websocket client against the emulator's real websocket: REST
 * calls on the broker become one targeted cycle for that request; a dropped socket becomes a
 * full reconcile after the reconnect, which is what picks up the changes made while it was
 * down; abort closes the socket. The cycles themselves are recorded, not performed (the plan
 * and apply use cases are tested elsewhere).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebsocketBrokerEvents } from '../src/adapters/broker/events.js';
import { runWatch } from '../src/app/watch-loop.js';
import type { RequestId } from '../src/core/model.js';
import { Secret } from '../src/core/secret.js';
import type { CycleReport, CycleResult } from '../src/core/watch-cycle.js';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from './broker-emulator/index.js';

let emulator: BrokerEmulator;

/** Polls a condition the loop makes true; the test's own timeout bounds it. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

before(async () => {
  emulator = await startBrokerEmulator({ port: 0 });
});
after(async () => emulator?.close());

describe('watch loop on the emulator websocket', () => {
  it('turns broker changes into targeted cycles and a reconnect into a full reconcile', async () => {
    const driver = new BrokerDriver(emulator.url);
    const source = new WebsocketBrokerEvents({
      broker: { url: emulator.url, apiKey: new Secret('xxxAdmin1234'), timeoutSeconds: 5 },
      initialBackoffMs: 200,
      maxBackoffMs: 400,
    });
    const controller = new AbortController();
    const reports: CycleReport[] = [];
    const scopes: (RequestId[] | 'all')[] = [];
    const states: boolean[] = [];
    const done = runWatch({
      source,
      signal: controller.signal,
      debounceMs: 300,
      resyncMs: 3_600_000,
      reconcile: async (scope): Promise<CycleResult> => {
        scopes.push(scope);
        return { actions: scope === 'all' ? {} : { upload: scope.length }, bytes: 0 };
      },
      onCycle: (report) => reports.push(report),
      onState: (state) => states.push(state.connected),
    });
    try {
      await until(() => reports.length === 1);
      assert.equal(reports[0]!.trigger, 'start');
      assert.deepEqual(states, [true], 'the start cycle ran after the socket was up: no second full reconcile');

      const id = await driver.createRequest({ tags: ['rki'] });
      const node = driver.node('xxxApiKey123');
      await node.putResult(id, 'a;b\n', 'text/csv');
      await node.postStatus(id, 'completed');
      await until(() => reports.some((r) => r.trigger === 'events'));
      const targeted = () => reports.filter((r) => r.trigger === 'events');
      // Four frames about one request: one cycle, unless the machine paused longer than the debounce between the calls.
      assert.ok(targeted().every((r) => JSON.stringify(r.scope) === JSON.stringify([id])), JSON.stringify(targeted().map((r) => r.scope)));
      assert.ok(targeted()[0]!.eventLagMs! >= 300, 'the debounce is part of the lag');

      emulator.websocket.acceptSessions(false); // the websocket stays down until the change is made
      assert.equal(emulator.websocket.drop(), 1);
      await until(() => states.length >= 2);
      const missed = await driver.createRequest({ tags: ['rki'] }); // while down: no session hears it
      emulator.websocket.acceptSessions(true);
      await until(() => reports.some((r) => r.trigger === 'reconnect'));
      assert.equal(reports.find((r) => r.trigger === 'reconnect')!.scope, 'all', 'the full reconcile after the reconnect covers the missed change');
      assert.ok(!scopes.some((s) => s !== 'all' && s.includes(missed)), 'no event for the change made while down');
    } finally {
      controller.abort();
      await done;
    }
    assert.deepEqual([states[0], states.at(-1)], [true, true]);
    assert.ok(states.slice(1, -1).every((up) => !up), 'down until the one reconnect');
    assert.equal(emulator.websocket.stats().open, 0, 'abort closed the socket');
  });
});

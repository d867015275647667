import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, type WatchView } from '../../src/core/watch-schedule.js';

const timing = { debounceMs: 2000, maxWaitMs: 10_000, resyncMs: 3_600_000 };
const idle: WatchView = { now: 100_000, gateUntil: undefined, retryAt: undefined, full: undefined, lastFullAt: 50_000, pending: 0, firstEventAt: undefined, lastEventAt: undefined };
const view = (changes: Partial<WatchView>): WatchView => ({ ...idle, ...changes });

describe('decide', () => {
  it('waits for the socket before the start cycle, then runs it', () => {
    assert.deepEqual(decide(view({ lastFullAt: undefined, gateUntil: 105_000 }), timing), { kind: 'wait', until: 105_000 });
    assert.deepEqual(decide(view({ lastFullAt: undefined }), timing), { kind: 'full', trigger: 'start' });
  });

  it('waits until the next resync when nothing is pending', () => {
    assert.deepEqual(decide(idle, timing), { kind: 'wait', until: 50_000 + 3_600_000 });
    assert.deepEqual(decide(view({ now: 50_000 + 3_600_000 }), timing), { kind: 'full', trigger: 'resync' });
  });

  it('runs an owed full reconcile at once, before pending events', () => {
    assert.deepEqual(decide(view({ full: 'reconnect', pending: 3, firstEventAt: 0, lastEventAt: 0 }), timing), { kind: 'full', trigger: 'reconnect' });
  });

  it('debounces after the last event, but no later than maxWait after the first', () => {
    const events = { pending: 2, firstEventAt: 99_000, lastEventAt: 99_500 };
    assert.deepEqual(decide(view(events), timing), { kind: 'wait', until: 101_500 });
    assert.deepEqual(decide(view({ ...events, now: 101_500 }), timing), { kind: 'targeted' });
    const stream = { pending: 9, firstEventAt: 91_000, lastEventAt: 100_000 };
    assert.deepEqual(decide(view(stream), timing), { kind: 'wait', until: 101_000 }, 'maxWait caps a steady stream');
    assert.deepEqual(decide(view({ ...stream, now: 101_000 }), timing), { kind: 'targeted' });
  });

  it('does nothing while a failed cycle waits out its backoff', () => {
    assert.deepEqual(decide(view({ retryAt: 104_000, full: 'start', pending: 1, firstEventAt: 0, lastEventAt: 0 }), timing), { kind: 'wait', until: 104_000 });
    assert.deepEqual(decide(view({ now: 104_000, retryAt: 104_000, pending: 1, firstEventAt: 0, lastEventAt: 0 }), timing), { kind: 'targeted' });
  });

  it('wakes for the resync even while events are being debounced', () => {
    assert.deepEqual(decide(view({ lastFullAt: 100_500 - 3_600_000, pending: 1, firstEventAt: 100_000, lastEventAt: 100_000 }), timing), { kind: 'wait', until: 100_500 });
  });
});

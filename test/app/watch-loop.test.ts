/**
 * The watch loop on fake timers and a fake event source: every wait is a timer the test fires,
 * every cycle a promise the test settles, so nothing depends on the machine's speed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runWatch, type CycleContext, type WatchOptions, type WatchTimers } from '../../src/app/watch-loop.js';
import type { BrokerEventSource, EventSourceState } from '../../src/app/ports.js';
import { parseBrokerFrame, type BrokerEvent } from '../../src/core/broker-event.js';
import type { RequestId } from '../../src/core/model.js';
import type { CycleReport, CycleResult } from '../../src/core/watch-cycle.js';
import { assessHealth, nextStreak, NO_FAILURES } from '../../src/core/watch-health.js';
import { ProblemError, problem } from '../../src/core/problem.js';

/** Lets every pending promise continuation run (setImmediate comes after all microtasks). */
const settle = async () => {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

class FakeTimers implements WatchTimers {
  time = 1_000_000;
  #next = 0;
  #queue: { at: number; id: number; callback: () => void }[] = [];
  now = () => this.time;
  setTimeout = (callback: () => void, ms: number) => {
    const id = ++this.#next;
    this.#queue.push({ at: this.time + ms, id, callback });
    return id;
  };
  clearTimeout = (handle: unknown) => void (this.#queue = this.#queue.filter((t) => t.id !== handle));
  /** Moves time forward, firing each due timer in order and letting the loop react. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      const due = this.#queue.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#queue = this.#queue.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
      await settle();
    }
    this.time = end;
    await settle();
  }
}

class FakeSource implements BrokerEventSource {
  onEvent: ((event: BrokerEvent) => void) | undefined;
  onState: ((state: EventSourceState) => void) | undefined;
  closed = false;
  subscribe(onEvent: (event: BrokerEvent) => void, onState: (state: EventSourceState) => void) {
    this.onEvent = onEvent;
    this.onState = onState;
    return { close: async () => void (this.closed = true) };
  }
  frame(text: string) {
    this.onEvent!(parseBrokerFrame(text));
  }
  up() {
    this.onState!({ connected: true });
  }
  down() {
    this.onState!({ connected: false, reason: 'dropped', retryInMs: 1000 });
  }
}

interface Call {
  scope: RequestId[] | 'all';
  context: CycleContext;
  resolve: (result?: CycleResult) => void;
  reject: (error: unknown) => void;
}

/** A watch whose cycles wait for the test: calls[i].resolve() ends cycle i. */
function harness(options: Partial<WatchOptions> = {}) {
  const timers = new FakeTimers();
  const source = new FakeSource();
  const controller = new AbortController();
  const calls: Call[] = [];
  const reports: CycleReport[] = [];
  const done = runWatch({
    source,
    signal: controller.signal,
    timers,
    random: () => 0.5,
    reconcile: (scope, context) =>
      new Promise<CycleResult>((resolve, reject) => calls.push({ scope, context, resolve: (r) => resolve(r ?? { actions: {}, bytes: 0 }), reject })),
    onCycle: (report) => reports.push(report),
    ...options,
  });
  const finish = async (i: number, result?: CycleResult) => {
    await settle();
    assert.ok(calls[i], `cycle ${i} has started`);
    calls[i].resolve(result);
    await settle();
  };
  return { timers, source, controller, calls, reports, done, finish, scopes: () => calls.map((c) => c.scope) };
}

describe('runWatch', () => {
  it('runs one full reconcile at start, after the socket is up, then targeted cycles for debounced events', async () => {
    const w = harness();
    await w.timers.advance(0);
    assert.equal(w.calls.length, 0, 'the start cycle waits for the socket');
    w.source.up();
    await settle();
    assert.deepEqual(w.scopes(), ['all']);
    assert.equal(w.calls[0]!.context.trigger, 'start');
    await w.finish(0);

    w.source.frame('status 10 0 completed');
    await w.timers.advance(1000);
    w.source.frame('result 4 1 application/zip');
    w.source.frame('status 10 0 completed');
    w.source.frame('pong 1'); // no request: not collected
    w.source.frame('nonsense');
    await w.timers.advance(1999);
    assert.equal(w.calls.length, 1, 'the debounce runs from the last event');
    await w.timers.advance(1);
    assert.deepEqual(w.scopes(), ['all', ['4', '10']], 'ids once each, ascending');
    await w.finish(1, { actions: { upload: 2 }, bytes: 300 });
    assert.deepEqual(
      { trigger: w.reports[1]!.trigger, attempt: w.reports[1]!.attempt, lag: w.reports[1]!.eventLagMs, outcome: w.reports[1]!.outcome },
      { trigger: 'events', attempt: 1, lag: 3000, outcome: { ok: true, result: { actions: { upload: 2 }, bytes: 300 } } },
    );
    w.controller.abort();
    await w.done;
    assert.ok(w.source.closed, 'the subscription is closed on the way out');
  });

  it('starts anyway when the socket says nothing, and reconciles in full once it connects late', async () => {
    const w = harness({ startWaitMs: 5000 });
    await w.timers.advance(4999);
    assert.equal(w.calls.length, 0);
    await w.timers.advance(1);
    assert.deepEqual(w.scopes(), ['all']);
    w.source.up(); // during the start cycle: what changed before the socket was up may be missed
    await w.finish(0);
    assert.deepEqual(w.scopes(), ['all', 'all']);
    assert.equal(w.calls[1]!.context.trigger, 'reconnect');
    w.controller.abort();
    await w.finish(1);
    await w.done;
  });

  it('never runs two cycles at once: events during a cycle wait for the next', async () => {
    const w = harness({ debounceMs: 100 });
    w.source.up();
    await w.finish(0);
    w.source.frame('created 1');
    await w.timers.advance(100);
    assert.deepEqual(w.scopes(), ['all', ['1']]);
    w.source.frame('status 2 0 queued');
    w.source.frame('status 1 0 queued');
    await w.timers.advance(10_000);
    assert.equal(w.calls.length, 2, 'cycle 1 is still running');
    await w.finish(1);
    assert.deepEqual(w.scopes()[2], ['1', '2'], 'debounce long over: the next cycle starts at once, with 1 again');
    await w.finish(2);
    w.controller.abort();
    await w.done;
  });

  it('caps the debounce for a steady stream of events', async () => {
    const w = harness({ debounceMs: 1000, maxWaitMs: 3000 });
    w.source.up();
    await w.finish(0);
    for (let i = 0; i < 4; i += 1) {
      w.source.frame(`status ${i} 0 processing`);
      await w.timers.advance(700);
    }
    w.source.frame('status 4 0 processing'); // at 2800 ms: every gap is shorter than the debounce
    await w.timers.advance(199);
    assert.equal(w.calls.length, 1);
    await w.timers.advance(1);
    assert.deepEqual(w.scopes()[1], ['0', '1', '2', '3', '4'], 'cut off at maxWait (3000 ms) after the first event');
    await w.finish(1);
    w.controller.abort();
    await w.done;
  });

  it('resyncs in full every interval and after every reconnect, not on a disconnect', async () => {
    const w = harness({ resyncMs: 60_000 });
    w.source.up();
    await w.finish(0);
    await w.timers.advance(59_999);
    assert.equal(w.calls.length, 1);
    await w.timers.advance(1);
    assert.equal(w.calls[1]!.context.trigger, 'resync');
    await w.finish(1);
    w.source.down();
    await w.timers.advance(30_000);
    assert.equal(w.calls.length, 2, 'being down alone runs nothing');
    w.source.up();
    await settle();
    assert.equal(w.calls[2]!.context.trigger, 'reconnect');
    await w.finish(2);
    await w.timers.advance(59_999);
    assert.equal(w.calls.length, 3, 'the reconnect reconcile restarted the resync clock');
    await w.timers.advance(1);
    assert.equal(w.calls[3]!.context.trigger, 'resync');
    await w.finish(3);
    w.controller.abort();
    await w.done;
  });

  it('retries a failed cycle with growing backoff, keeps its ids, and lives on', async () => {
    const w = harness({ debounceMs: 100, retryInitialMs: 1000, retryMaxMs: 10_000 });
    w.source.up();
    await w.finish(0);
    w.source.frame('status 5 0 completed');
    await w.timers.advance(100);
    w.calls[1]!.reject(new Error('SFTP down'));
    await settle();
    assert.deepEqual(w.reports[1]!.outcome, { ok: false, error: new Error('SFTP down'), retryInMs: 750 });
    w.source.frame('status 6 0 completed');
    await w.timers.advance(749);
    assert.equal(w.calls.length, 2, 'nothing runs during the backoff');
    await w.timers.advance(1);
    assert.deepEqual(w.scopes()[2], ['5', '6']);
    assert.equal(w.calls.length, 3);
    w.calls[2]!.reject(new Error('still down'));
    await settle();
    assert.equal((w.reports[2]!.outcome as { retryInMs: number }).retryInMs, 1500, 'doubled, with the jitter fixed at 0.5');
    assert.equal(w.reports[2]!.attempt, 2);
    await w.timers.advance(1500);
    await w.finish(3);
    assert.equal(w.reports[3]!.outcome.ok, true);
    assert.equal(w.reports[3]!.eventLagMs, 100 + 750 + 1500, 'lag counts from the earliest event covered (id 5), across the retries');
    w.controller.abort();
    await w.done;
  });

  it('retries a failed full reconcile in full', async () => {
    const w = harness();
    w.source.up();
    await settle();
    w.calls[0]!.reject(new Error('broker 503'));
    await settle();
    await w.timers.advance(750);
    assert.deepEqual(w.scopes(), ['all', 'all']);
    assert.equal(w.calls[1]!.context.trigger, 'start');
    await w.finish(1);
    w.controller.abort();
    await w.done;
  });

  it('on abort lets the cycle in flight finish, starts nothing new, and returns', async () => {
    const w = harness({ debounceMs: 100 });
    w.source.up();
    await settle();
    let returned = false;
    void w.done.then(() => (returned = true));
    w.source.frame('created 3');
    w.controller.abort();
    await w.timers.advance(1000);
    assert.equal(returned, false, 'the start cycle is still running');
    assert.ok(w.calls[0]!.context.signal.aborted, 'the cycle is told to stop starting new work');
    await w.finish(0);
    await w.done;
    assert.equal(w.calls.length, 1, 'the pending event does not start another cycle');
    assert.ok(w.source.closed);
  });

  it('takes a burst far larger than the broker would send into one cycle', async () => {
    const w = harness({ debounceMs: 100 });
    w.source.up();
    await w.finish(0);
    for (let id = 0; id < 150_000; id += 1) w.source.frame(`status ${id} 0 completed`);
    await w.timers.advance(100);
    assert.equal((w.scopes()[1] as string[]).length, 150_000);
    assert.equal((w.scopes()[1] as string[])[149_999], '149999');
    await w.finish(1);
    w.controller.abort();
    await w.done;
  });

  it('survives an observer that throws', async () => {
    const w = harness({ onCycle: () => { throw new Error('log sink broken'); }, onEvent: () => { throw new Error('metrics broken'); } });
    w.source.up();
    await w.finish(0);
    w.source.frame('created 1');
    await w.timers.advance(2000);
    assert.deepEqual(w.scopes(), ['all', ['1']]);
    await w.finish(1);
    w.controller.abort();
    await w.done;
  });
});

/** /healthz as the watch's HTTP server would answer it now, from the loop's reports. */
function healthOf(w: ReturnType<typeof harness>) {
  const streak = w.reports.reduce(nextStreak, NO_FAILURES);
  const success = w.reports.filter((r) => r.outcome.ok).at(-1);
  return assessHealth({
    now: w.timers.now(),
    connected: true,
    lastSuccessAt: success === undefined ? undefined : success.startedAtMs + success.durationMs,
    lastCycle: undefined,
    streak,
    staleAfterMs: 7_200_000,
  });
}

describe('runWatch and /healthz: failing cycles turn it unhealthy within a bound, not after 2 × RESYNC', () => {
  const down = new ProblemError(problem('REMOTE_NO_SUCH_PATH', 'The remote folder rki does not exist'));
  const locked = new ProblemError(problem('LEDGER_LOCKED', 'The ledger is locked by apply'));

  it('503 at the third failed cycle in a row, 200 again after a success', async () => {
    const w = harness({ debounceMs: 100, retryInitialMs: 1000, retryMaxMs: 300_000 });
    w.source.up();
    await w.finish(0);
    assert.equal(healthOf(w).status, 'ok');
    w.source.frame('status 5 0 completed');
    await w.timers.advance(2000);
    for (let i = 1; i <= 3; i++) {
      assert.equal(w.calls.length, i + 1, `cycle ${i} runs`);
      w.calls[i]!.reject(down);
      await settle();
      const health = healthOf(w);
      assert.equal(health.failedCycles, i);
      assert.equal(health.status, i < 3 ? 'ok' : 'unhealthy', `after ${i} failed cycle(s)`);
      await w.timers.advance((w.reports[i]!.outcome as { retryInMs: number }).retryInMs);
    }
    assert.deepEqual(healthOf(w).reasons, ['3 cycles in a row failed']);
    await w.finish(4);
    assert.deepEqual([healthOf(w).status, healthOf(w).failedCycles, healthOf(w).failingSince], ['ok', 0, null]);
    w.controller.abort();
    w.calls.at(-1)!.resolve(); // a retry in flight, if any, finishes (settling twice is harmless)
    await w.done;
  });

  it('503 after 15 minutes of failing even when the backoff leaves fewer than three cycles', async () => {
    const w = harness({ debounceMs: 100, retryInitialMs: 40 * 60_000, retryMaxMs: 60 * 60_000 });
    w.source.up();
    await w.finish(0);
    w.source.frame('status 5 0 completed');
    await w.timers.advance(100);
    const failedAt = w.timers.now();
    w.calls[1]!.reject(down);
    await settle();
    await w.timers.advance(15 * 60_000 - 1);
    assert.equal(healthOf(w).status, 'ok', 'one failure, 15 minutes not yet up');
    await w.timers.advance(1);
    const health = healthOf(w);
    assert.equal(health.status, 'unhealthy');
    assert.deepEqual(health.reasons, ['cycles have failed or waited for a lock for 15 min']);
    assert.equal(health.failingSince, new Date(failedAt).toISOString());
    w.controller.abort();
    w.calls.at(-1)!.resolve(); // a retry in flight, if any, finishes (settling twice is harmless)
    await w.done;
  });

  it('waiting for a cron run\'s lock is not a failure by count, but a lock held for 15 minutes is', async () => {
    const w = harness({ debounceMs: 100, retryInitialMs: 1000, retryMaxMs: 60_000 });
    w.source.up();
    await w.finish(0);
    w.source.frame('status 5 0 completed');
    await w.timers.advance(2000);
    const waitStart = w.timers.now();
    let i = 1;
    while (w.timers.now() - waitStart < 14 * 60_000) {
      w.calls[i]!.reject(locked);
      await settle();
      assert.equal(healthOf(w).status, 'ok', `lock wait ${i}`);
      await w.timers.advance((w.reports[i]!.outcome as { retryInMs: number }).retryInMs);
      i++;
    }
    assert.ok(i > 5, `${i - 1} lock waits, none counted`);
    assert.equal(healthOf(w).failedCycles, 0);
    w.calls[i]!.reject(locked);
    await settle();
    await w.timers.advance(waitStart + 15 * 60_000 - w.timers.now());
    assert.equal(healthOf(w).status, 'unhealthy');
    w.controller.abort();
    w.calls.at(-1)!.resolve(); // a retry in flight, if any, finishes (settling twice is harmless)
    await w.done;
  });
});

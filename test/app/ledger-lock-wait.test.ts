/**
 * Waiting for the ledger lock (--lock-timeout) with the real lock file of the composition root's
 * ledger store, a holder that is alive (this process), and a fake clock: every sleep advances it,
 * so the tests take no real time and assume nothing about the machine's speed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { acquireLedgerLock } from '../../src/adapters/ledger/lock.js';
import { lockLedger, type LockWaitTimers } from '../../src/app/ledger-lock-wait.js';
import type { AppEvent, LedgerLock } from '../../src/app/ports.js';
import { openLedgerStore } from '../../src/cli/open-world.js';
import { isProblemError } from '../../src/core/problem.js';
import { tempDir } from '../support/temp-dir.js';

function fakeTimers(onSleep: (sleeps: number[]) => Promise<void> | void = () => undefined): LockWaitTimers & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
      await onSleep(sleeps);
    },
  };
}

async function held(dir: string): Promise<LedgerLock> {
  return acquireLedgerLock(dir, 'apply', { now: new Date('2026-01-01T00:00:00Z'), toolVersion: 'test' });
}

describe('lockLedger: waiting for a held lock', () => {
  it('without a timeout fails at once with LEDGER_LOCKED, as before', async () => {
    const dir = tempDir('lock-wait');
    const holder = await held(dir);
    const timers = fakeTimers();
    const events: AppEvent[] = [];
    await assert.rejects(lockLedger(openLedgerStore(dir, () => undefined), 'apply', { events: (e) => events.push(e), timers }), (e: unknown) => isProblemError(e) && e.code === 'LEDGER_LOCKED' && !/waited/.test(e.message));
    assert.deepEqual(timers.sleeps, []);
    assert.deepEqual(events, []);
    await holder.release();
  });

  it('gives up after the timeout, naming the holder and how long it waited', async () => {
    const dir = tempDir('lock-wait');
    const holder = await held(dir);
    const timers = fakeTimers();
    const events: AppEvent[] = [];
    await assert.rejects(lockLedger(openLedgerStore(dir, () => undefined), 'apply', { wait: { timeoutMs: 30_000 }, events: (e) => events.push(e), timers }), (e: unknown) => {
      assert.ok(isProblemError(e) && e.code === 'LEDGER_LOCKED');
      assert.equal(e.problems[0]!.title, 'The ledger is locked by another aktin-sftp run; waited 30s');
      assert.match(e.problems[0]!.detail ?? '', new RegExp(holder.info.id));
      return true;
    });
    assert.equal(timers.sleeps.reduce((a, b) => a + b, 0), 30_000);
    assert.equal(timers.sleeps[0], 100);
    assert.equal(events.length, 1, 'the wait is announced once');
    assert.match((events[0] as { message: string }).message, new RegExp(`locked by .*process ${process.pid}.*lock ${holder.info.id}.*waiting up to 30s`));
    await holder.release();
  });

  it('takes the lock as soon as the holder releases it during the wait', async () => {
    const dir = tempDir('lock-wait');
    const holder = await held(dir);
    const timers = fakeTimers(async (sleeps) => {
      if (sleeps.length === 3) await holder.release();
    });
    const lock = await lockLedger(openLedgerStore(dir, () => undefined), 'apply', { wait: { timeoutMs: 60_000 }, events: () => undefined, timers });
    assert.equal(timers.sleeps.length, 3);
    assert.notEqual(lock.info.id, holder.info.id);
    assert.ok(existsSync(join(dir, 'status.xml.lock')));
    await lock.release();
    assert.ok(!existsSync(join(dir, 'status.xml.lock')));
  });

  it('an interrupt ends the wait with INTERRUPTED and leaves the holder\'s lock as it was', async () => {
    const dir = tempDir('lock-wait');
    const holder = await held(dir);
    const interrupt = new AbortController();
    const timers = fakeTimers((sleeps) => {
      if (sleeps.length === 2) interrupt.abort();
    });
    await assert.rejects(
      lockLedger(openLedgerStore(dir, () => undefined), 'apply', { wait: { timeoutMs: 60_000 }, signal: interrupt.signal, events: () => undefined, timers }),
      (e: unknown) => isProblemError(e) && e.code === 'INTERRUPTED',
    );
    assert.equal(timers.sleeps.length, 2);
    const still = await openLedgerStore(dir, () => undefined).readLock();
    assert.equal(still?.id, holder.info.id);
    await holder.release();
  });

  it('a lock taken just as the interrupt arrives is released again', async () => {
    const dir = tempDir('lock-wait');
    const interrupt = new AbortController();
    const store = openLedgerStore(dir, () => undefined);
    // The signal arrives while the lock file is being created.
    const racing = { ...store, lock: async (op: string) => {
      const lock = await store.lock(op);
      interrupt.abort();
      return lock;
    } };
    await assert.rejects(lockLedger(racing, 'apply', { wait: { timeoutMs: 60_000 }, signal: interrupt.signal, events: () => undefined, timers: fakeTimers() }), (e: unknown) => isProblemError(e) && e.code === 'INTERRUPTED');
    assert.equal(await store.readLock(), null, 'no lock left behind');
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { acquireLedgerLock, forceUnlock } from '../../../src/adapters/ledger/lock.js';
import type { LockInfo } from '../../../src/app/ports.js';
import { failure } from '../../support/problems.js';
import { tempDir } from '../../support/temp-dir.js';

const NOW = new Date('2026-11-22T10:00:00.000Z');
const workDir = () => tempDir('ledger-lock');
const acquire = (dir: string, onWarning?: (m: string) => void) =>
  acquireLedgerLock(dir, 'apply', { now: NOW, toolVersion: '9.9.9', ...(onWarning ? { onWarning } : {}) });


async function until(condition: () => boolean): Promise<void> {
  const end = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

function plantLock(dir: string, info: Partial<LockInfo>): LockInfo {
  const full: LockInfo = {
    id: '11111111-2222-4333-8444-555555555555',
    operation: 'apply',
    who: 'cron@elsewhere',
    pid: 1,
    host: hostname(),
    version: '0.0.1',
    created: '2026-11-21T03:00:00.000Z',
    path: join(dir, 'status.xml'),
    ...info,
  };
  writeFileSync(join(dir, 'status.xml.lock'), JSON.stringify(full), { mode: 0o600 });
  return full;
}

describe('ledger lock', () => {
  it('writes Terraform-style lock info beside the ledger, mode 0600, and removes it on release', async () => {
    const dir = workDir();
    const lock = await acquire(dir);
    const file = join(dir, 'status.xml.lock');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const info = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    assert.deepEqual(info, lock.info);
    assert.match(info.id, /^[0-9a-f-]{36}$/);
    assert.equal(info.operation, 'apply');
    assert.equal(info.pid, process.pid);
    assert.equal(info.host, hostname());
    assert.match(info.who, new RegExp(`@${hostname()}$`));
    assert.equal(info.version, '9.9.9');
    assert.equal(info.created, '2026-11-22T10:00:00.000Z');
    assert.equal(info.path, join(dir, 'status.xml'));
    await lock.release();
    assert.equal(existsSync(file), false);
    await (await acquire(dir)).release();
  });

  it('refuses a second run with LEDGER_LOCKED showing the holder and the force-unlock command', async () => {
    const dir = workDir();
    const held = await acquire(dir);
    const e = await failure(acquire(dir));
    assert.equal(e.code, 'LEDGER_LOCKED');
    const { detail, hint } = e.problems[0]!;
    for (const line of ['Lock Info:', `ID:        ${held.info.id}`, 'Operation: apply', `Who:       ${held.info.who}`, 'Created:   2026-11-22T10:00:00.000Z', `Path:      ${join(dir, 'status.xml')}`]) {
      assert.ok(detail!.includes(line), `${line} missing in\n${detail}`);
    }
    assert.match(hint!, new RegExp(`aktin-sftp force-unlock ${held.info.id}`));
    await held.release();
  });

  it('takes over a lock left by a dead process on this host, with a warning', async () => {
    const dir = workDir();
    const stale = plantLock(dir, { pid: await deadPid() });
    const warnings: string[] = [];
    const lock = await acquire(dir, (m) => warnings.push(m));
    assert.notEqual(lock.info.id, stale.id);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, new RegExp(`Took over the ledger lock ${stale.id} held by cron@elsewhere \\(process ${stale.pid}, apply since 2026-11-21T03:00:00.000Z\\): that process no longer runs on this host`));
    assert.equal((JSON.parse(readFileSync(join(dir, 'status.xml.lock'), 'utf8')) as LockInfo).id, lock.info.id);
    await lock.release();
  });

  it('does not take over a fresh lock from another host, whose process it cannot see', async () => {
    const dir = workDir();
    const other = plantLock(dir, { pid: await deadPid(), host: 'another-host.example' });
    const e = await failure(acquireLedgerLock(dir, 'apply', { now: new Date(), toolVersion: '9.9.9' }));
    assert.equal(e.code, 'LEDGER_LOCKED');
    assert.match(e.problems[0]!.detail!, new RegExp(other.id));
  });

  it('takes over a lock from another host whose heartbeat stopped more than 2m ago, naming the old holder', async () => {
    const dir = workDir();
    const other = plantLock(dir, { pid: 1, host: 'container-4f2a', who: 'node@container-4f2a' });
    const now = new Date();
    const beat = new Date(Math.floor(now.getTime() / 1000) * 1000 - 121_000); // whole seconds: mtime keeps them exactly
    utimesSync(join(dir, 'status.xml.lock'), beat, beat);
    const warnings: string[] = [];
    const lock = await acquireLedgerLock(dir, 'apply', { now, toolVersion: '9.9.9', onWarning: (m) => warnings.push(m) });
    assert.notEqual(lock.info.id, other.id);
    assert.deepEqual(warnings, [
      `Took over the ledger lock ${other.id} held by node@container-4f2a (process 1, apply since 2026-11-21T03:00:00.000Z): ` +
        `its last heartbeat was at ${beat.toISOString()} (2m1s ago), and a lock silent for more than 2m is stale; that run was interrupted, check its actions with 'aktin-sftp drift'.`,
    ]);
    assert.equal((JSON.parse(readFileSync(join(dir, 'status.xml.lock'), 'utf8')) as LockInfo).id, lock.info.id);
    await lock.release();
  });

  it('leaves a lock from another host alone while its heartbeat is within the bound, and shows the heartbeat', async () => {
    const dir = workDir();
    const other = plantLock(dir, { pid: 1, host: 'container-4f2a' });
    const now = new Date();
    const beat = new Date(Math.floor(now.getTime() / 1000) * 1000 - 119_000);
    utimesSync(join(dir, 'status.xml.lock'), beat, beat);
    const e = await failure(acquireLedgerLock(dir, 'apply', { now, toolVersion: '9.9.9' }));
    assert.equal(e.code, 'LEDGER_LOCKED');
    assert.match(e.problems[0]!.detail!, new RegExp(other.id));
    assert.ok(e.problems[0]!.detail!.includes(`Heartbeat: ${beat.toISOString()} (1m59s ago)`), e.problems[0]!.detail);
    assert.match(e.problems[0]!.hint!, /loses it 2m after its last heartbeat/);
  });

  it('refreshes the heartbeat while held, and stops when released', async () => {
    const dir = workDir();
    const file = join(dir, 'status.xml.lock');
    const lock = await acquireLedgerLock(dir, 'apply', { now: new Date(), toolVersion: '9.9.9', heartbeatMs: 20 });
    const past = new Date(Date.now() - 600_000);
    utimesSync(file, past, past);
    await until(() => statSync(file).mtimeMs > past.getTime() + 300_000);
    await lock.release();
    assert.equal(existsSync(file), false);
  });

  it('reports an unreadable lock file instead of guessing', async () => {
    const dir = workDir();
    writeFileSync(join(dir, 'status.xml.lock'), '');
    const e = await failure(acquire(dir));
    assert.equal(e.code, 'LEDGER_LOCKED');
    assert.match(e.problems[0]!.detail!, /cannot be read/);
  });
});

describe('force-unlock', () => {
  it('refuses a wrong id, showing the holder, and removes the lock for the right one', async () => {
    const dir = workDir();
    const held = await acquire(dir);
    const wrong = await failure(forceUnlock(dir, '00000000-0000-4000-8000-000000000000'));
    assert.equal(wrong.code, 'LEDGER_LOCKED');
    assert.match(wrong.problems[0]!.detail!, new RegExp(`ID:        ${held.info.id}`));
    assert.ok(existsSync(join(dir, 'status.xml.lock')));

    assert.deepEqual(await forceUnlock(dir, held.info.id), held.info);
    assert.equal(existsSync(join(dir, 'status.xml.lock')), false);

    const warnings: string[] = [];
    const next = await acquire(dir, (m) => warnings.push(m));
    await held.release(); // the old holder must not remove the new lock
    assert.ok(existsSync(join(dir, 'status.xml.lock')));
    await next.release();
    assert.equal(existsSync(join(dir, 'status.xml.lock')), false);
    assert.deepEqual(warnings, []);
  });

  it('says so when there is no lock', async () => {
    const e = await failure(forceUnlock(workDir(), 'x'));
    assert.equal(e.code, 'USAGE');
    assert.match(e.problems[0]!.title, /not locked/);
  });
});

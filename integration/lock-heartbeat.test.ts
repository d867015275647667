/**
 * The ledger lock's heartbeat on real parts (the built CLI, the broker emulator, the real sshd):
 * a lock of "another host" whose heartbeat stopped more than the bound (2m) ago is taken over
 * with a warning naming the old holder and the run does its work (exit 0); `--lock-timeout`
 * waits for the bound when it ends within the wait; a live holder on another host (a process in
 * a UTS namespace of its own, refreshing its lock) is never taken over: exit 4, LEDGER_LOCKED.
 * Old heartbeats are made with utimes, never by sleeping for the bound.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { LockInfo, RemoteFolder } from '../src/app/ports.js';
import { runCliProcess, startCli } from './support/cli-process.js';
import type { Deployment } from './support/e2e-world.js';
import { startSshdWorld, type SshdWorld } from './support/sshd-world.js';
import { eventually } from './support/eventually.js';

const BOUND_MS = 120_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('the ledger lock heartbeat on real parts', () => {
  let world: SshdWorld | undefined;
  let deployment: Deployment;
  let folder: RemoteFolder;
  const lockFile = () => join(deployment.workingDir, 'status.xml.lock');

  /** A lock as a killed container left it: another host, pid 1, last heartbeat `ageMs` ago. */
  function plantLock(ageMs: number): LockInfo {
    const info: LockInfo = {
      id: '0d9e7c1a-5b2f-4e8d-9c3a-7f6e5d4c3b2a',
      operation: 'apply',
      who: 'node@3f9c2a7b1e04',
      pid: 1,
      host: '3f9c2a7b1e04',
      version: '0.9.0',
      created: '2026-11-21T03:00:00.000Z',
      path: join(deployment.workingDir, 'status.xml'),
    };
    writeFileSync(lockFile(), JSON.stringify(info, null, 2), { mode: 0o600 });
    const beat = new Date(Date.now() - ageMs);
    utimesSync(lockFile(), beat, beat);
    return info;
  }

  before(async () => {
    world = await startSshdWorld({ own: 'lock-heartbeat', results: 1 });
    ({ deployment, folder } = world);
  });
  beforeEach(async () => {
    for (const entry of await folder.list()) await folder.remove(entry.name);
    for (const name of ['status.xml', 'status.xml.bak', 'status.xml.lock']) rmSync(join(deployment.workingDir, name), { force: true });
  });
  after(async () => {
    await world?.close();
  });

  it('takes over a lock of another host whose heartbeat is older than the bound: warned, exit 0, work done', async () => {
    const old = plantLock(BOUND_MS + 60_000);
    const run = await runCliProcess(['-c', deployment.configFile, 'apply', '--auto-approve'], { cwd: deployment.dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stderr, new RegExp(`Took over the ledger lock ${old.id} held by node@3f9c2a7b1e04 \\(process 1, apply since 2026-11-21T03:00:00.000Z\\): its last heartbeat was at \\S+ \\(3m\\d*s? ago\\), and a lock silent for more than 2m is stale`));
    assert.deepEqual((await folder.list()).map((f) => f.name).sort(), ['export_0.zip', 'status.xml']);
    assert.ok(!existsSync(lockFile()), 'the apply released its lock');
  });

  it('--lock-timeout waits until the heartbeat is older than the bound, then takes the lock', async () => {
    const old = plantLock(BOUND_MS - 2_000);
    const run = startCli(['-c', deployment.configFile, 'apply', '--auto-approve', '--lock-timeout', '10m'], { cwd: deployment.dir });
    try {
      await eventually('the waiting announcement', () => (/waiting up to 10m/.test(run.stderrSoFar()) ? true : undefined));
      const done = await run.done;
      assert.equal(done.code, 0, done.stderr + done.stdout);
      assert.match(done.stderr, new RegExp(`Took over the ledger lock ${old.id} held by node@3f9c2a7b1e04`));
      assert.deepEqual((await folder.list()).map((f) => f.name).sort(), ['export_0.zip', 'status.xml']);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('never takes over a live holder on another host: its heartbeat keeps the lock fresh, exit 4', async () => {
    // A holder on "another host": its own UTS namespace, its own host name, beating every 200 ms.
    const holder = spawn('unshare', ['--uts', 'sh', '-c', 'hostname lock-holder-elsewhere && exec "$0" --import tsx integration/support/lock-holder.ts "$1" 200', process.execPath, deployment.workingDir], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      let out = '';
      holder.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const info = await eventually('the holder\'s lock', () => (out.includes('\n') ? (JSON.parse(out) as LockInfo) : undefined));
      assert.equal(info.host, 'lock-holder-elsewhere');
      // Its lock looks ten minutes silent; a live holder's next beat makes it fresh again.
      const past = new Date(Date.now() - 600_000);
      utimesSync(lockFile(), past, past);
      await eventually('a fresh heartbeat', () => (statSync(lockFile()).mtimeMs > Date.now() - 10_000 ? true : undefined));
      const run = await runCliProcess(['-c', deployment.configFile, 'apply', '--auto-approve'], { cwd: deployment.dir });
      assert.equal(run.code, 4, run.stderr + run.stdout);
      assert.match(run.stderr, /LEDGER_LOCKED|locked by another aktin-sftp run/);
      assert.match(run.stderr, new RegExp(`Who:\\s+\\S+@lock-holder-elsewhere`));
      assert.match(run.stderr, /Heartbeat: \S+ \(just now|Heartbeat: \S+ \(\ds ago/);
      assert.equal((JSON.parse(readFileSync(lockFile(), 'utf8')) as LockInfo).id, info.id);
      assert.deepEqual(await folder.list(), []);
    } finally {
      holder.stdin.end();
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    assert.ok(!existsSync(lockFile()), 'the holder released its lock');
  });
});

/**
 * The ledger lock (fixing the original's D4, overlapping cron runs): `<WORKING_DIR>/status.xml.lock`,
 * created with O_EXCL and holding Terraform-style lock info as JSON (mode 0600). A second run
 * fails with LEDGER_LOCKED and sees who holds it. While held, the lock's mtime is its heartbeat
 * (lock-heartbeat.ts). A lock is taken over, with a warning naming the old holder, when
 * it is provably stale: its heartbeat stopped longer ago than the bound (on any host: a killed
 * container comes back with a new host name), or its process is gone (same host only). Anything
 * else is released only by its holder or by `aktin-sftp force-unlock ID`.
 *
 * Hand-written rather than proper-lockfile: that package locks with a directory (`mkdir`), so
 * the lock info would be a second file written after the lock is taken — a window in which a
 * held lock shows no holder — and a stale lock would be removed with no holder to name. Our
 * lock is one file, created with its info in place; only the mtime idea is the same.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { unlinkSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { LedgerLock, LockInfo } from '../../app/ports.js';
import { formatDuration } from '../../core/duration.js';
import { ProblemError, problem } from '../../core/problem.js';
import { LEDGER_FILE_NAME } from '../../core/remote-names.js';
import { HEARTBEAT_MS, STALE_AFTER_MS, startHeartbeat } from './lock-heartbeat.js';
import { beatText, lockDetail, lockedProblem, type HeldLock, type LockRead } from './lock-problem.js';
import { openPlain, readPlainSync } from './plain-file.js';

export const LOCK_FILE_NAME = `${LEDGER_FILE_NAME}.lock`;

export async function acquireLedgerLock(
  workingDir: string,
  operation: string,
  options: { now: Date; onWarning?: (m: string) => void; toolVersion: string; heartbeatMs?: number; unlockCommand?: (lockId: string) => string },
): Promise<LedgerLock> {
  const { now } = options;
  const lockPath = join(workingDir, LOCK_FILE_NAME);
  const host = hostname();
  const info: LockInfo = {
    id: randomUUID(),
    operation,
    who: `${userName()}@${host}`,
    pid: process.pid,
    host,
    version: options.toolVersion,
    created: now.toISOString(),
    path: join(workingDir, LEDGER_FILE_NAME),
  };
  let handle = await tryCreate(lockPath, info);
  if (!handle) {
    const holder = await readLock(lockPath);
    if (holder === 'unreadable') throw lockedProblem(lockPath, holder, now, options.unlockCommand);
    if (holder !== 'absent') {
      const why = staleness(holder, host, now);
      if (why === null) throw lockedProblem(lockPath, holder, now, options.unlockCommand);
      await takeOver(lockPath, holder, now, options.unlockCommand);
      const old = holder.info;
      options.onWarning?.(
        `Took over the ledger lock ${old.id} held by ${old.who} (process ${old.pid}, ${old.operation} since ${old.created}): ${why}; ` +
          "that run was interrupted, check its actions with 'aktin-sftp drift'.",
      );
    }
    handle = await tryCreate(lockPath, info);
    if (!handle) throw lockedProblem(lockPath, await readLock(lockPath), now, options.unlockCommand);
  }
  const stopBeating = startHeartbeat(handle, options.heartbeatMs ?? HEARTBEAT_MS);
  // The guard removes the lock if the process exits while holding it (process.exit on a second
  // signal, an uncaught error): a lock is never left behind by a run that is gone.
  const guard = () => {
    stopBeating();
    removeIfOurs(lockPath, info.id);
  };
  process.once('exit', guard);
  const held = handle;
  return {
    info,
    release: async () => {
      process.off('exit', guard);
      stopBeating();
      await held.close().catch(() => undefined);
      const current = await readLock(lockPath);
      if (typeof current === 'object' && current.info.id === info.id) await unlink(lockPath).catch(() => undefined);
      else options.onWarning?.(`The ledger lock ${info.id} was removed by someone else while this run held it (force-unlock?).`);
    },
  };
}

/** Why the lock is provably stale, or null: it may be held by a live run. */
function staleness(holder: HeldLock, host: string, now: Date): string | null {
  const age = now.getTime() - holder.beatMs;
  if (age > STALE_AFTER_MS) {
    return `its last heartbeat was at ${beatText(holder.beatMs, now)}, and a lock silent for more than ${formatDuration(STALE_AFTER_MS)} is stale`;
  }
  if (holder.info.host === host && !isAlive(holder.info.pid)) return 'that process no longer runs on this host';
  return null;
}

/** Synchronous, for the exit guard: at 'exit' no asynchronous work runs any more. */
function removeIfOurs(lockPath: string, id: string): void {
  try {
    const holder = JSON.parse(readPlainSync(lockPath, 'ledger lock')?.toString('utf8') ?? '') as { id?: unknown };
    if (holder.id === id) unlinkSync(lockPath);
  } catch {
    // gone or unreadable: nothing of ours to remove
  }
}

/** Removes the lock if its id is `lockId`; otherwise refuses and shows who holds it. */
export async function forceUnlock(workingDir: string, lockId: string): Promise<LockInfo> {
  const lockPath = join(workingDir, LOCK_FILE_NAME);
  const holder = await readLock(lockPath);
  if (holder === 'absent') {
    throw new ProblemError(problem('USAGE', `The ledger is not locked: there is no ${lockPath}`, undefined, 'Nothing to unlock.'));
  }
  if (holder === 'unreadable' || holder.info.id !== lockId) {
    const detail = `${lockDetail(lockPath, holder, new Date())}\n\nThe lock ID given was ${JSON.stringify(lockId)}.`;
    throw new ProblemError(problem('LEDGER_LOCKED', 'The lock ID does not match the lock on the ledger', detail, 'Pass the ID from the Lock Info above, after making sure that run is no longer active.'));
  }
  await unlink(lockPath);
  return holder.info;
}

/** The current lock, for display: null when there is none or it cannot be read. */
export async function readLedgerLock(workingDir: string): Promise<LockInfo | null> {
  const holder = await readLock(join(workingDir, LOCK_FILE_NAME));
  return typeof holder === 'object' ? holder.info : null;
}

/** The open lock file (kept open for the heartbeat), or null when another lock is there. */
async function tryCreate(lockPath: string, info: LockInfo): Promise<FileHandle | null> {
  let handle;
  try {
    handle = await open(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw new ProblemError(problem('LEDGER_IO', `Cannot create the ledger lock ${lockPath}`, (error as Error).message, 'Check that the working directory exists and is writable.'), { cause: error });
  }
  try {
    await handle.writeFile(JSON.stringify(info, null, 2) + '\n');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(lockPath).catch(() => undefined); // an empty lock would block every later run
    throw new ProblemError(problem('LEDGER_IO', `Cannot write the ledger lock ${lockPath}`, (error as Error).message, 'Check free space in the working directory.'), { cause: error });
  }
  return handle;
}

/**
 * Moves the stale lock aside under a unique name, so that of two runs that found the same
 * stale lock only one removes it; if what was moved is not that lock (a live run took over in
 * between), it is put back.
 */
async function takeOver(lockPath: string, stale: HeldLock, now: Date, unlockCommand?: (lockId: string) => string): Promise<void> {
  const aside = `${lockPath}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readLock(aside);
  if (typeof moved === 'object' && moved.info.id !== stale.info.id) {
    await rename(aside, lockPath);
    throw lockedProblem(lockPath, moved, now, unlockCommand);
  }
  await unlink(aside).catch(() => undefined);
}

/** A link, hard link, FIFO or device as the lock is refused (LEDGER_UNSAFE), never read or removed. */
async function readLock(lockPath: string): Promise<LockRead> {
  let opened: Awaited<ReturnType<typeof openPlain>>;
  try {
    opened = await openPlain(lockPath, 'ledger lock', 'read');
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    return 'unreadable';
  }
  if (opened === null) return 'absent';
  const { handle, size } = opened;
  try {
    if (size > 64 * 1024) return 'unreadable'; // a lock is a few hundred bytes
    const [text, info] = await Promise.all([handle.readFile('utf8'), handle.stat()]);
    const parsed = JSON.parse(text) as Partial<LockInfo>;
    return typeof parsed.id === 'string' && typeof parsed.pid === 'number' ? { info: parsed as LockInfo, beatMs: info.mtimeMs } : 'unreadable';
  } catch {
    return 'unreadable';
  } finally {
    await handle.close();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'; // EPERM: alive, another user's
  }
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}

/**
 * The ledger lock (fixing the original's D4, overlapping cron runs): `<WORKING_DIR>/status.xml.lock`,
 * created with O_EXCL and holding Terraform-style lock info as JSON (mode 0600). A second run
 * fails with LEDGER_LOCKED and sees who holds it. A lock left by a dead process on this host is
 * taken over with a warning, so a killed cron run never blocks the next one; anything else is
 * released only by its holder or by `aktin-sftp force-unlock ID`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { unlinkSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { LedgerLock, LockInfo } from '../../app/ports.js';
import { ProblemError, problem } from '../../core/problem.js';
import { LEDGER_FILE_NAME } from '../../core/remote-names.js';
import { readPlain, readPlainSync } from './plain-file.js';

export const LOCK_FILE_NAME = `${LEDGER_FILE_NAME}.lock`;

export async function acquireLedgerLock(
  workingDir: string,
  operation: string,
  options: { now: Date; onWarning?: (m: string) => void; toolVersion: string },
): Promise<LedgerLock> {
  const lockPath = join(workingDir, LOCK_FILE_NAME);
  const host = hostname();
  const info: LockInfo = {
    id: randomUUID(),
    operation,
    who: `${userName()}@${host}`,
    pid: process.pid,
    host,
    version: options.toolVersion,
    created: options.now.toISOString(),
    path: join(workingDir, LEDGER_FILE_NAME),
  };
  if (!(await tryCreate(lockPath, info))) {
    const holder = await readLock(lockPath);
    if (holder === 'absent') {
      if (!(await tryCreate(lockPath, info))) throw lockedProblem(lockPath, await readLock(lockPath));
    } else if (holder !== 'unreadable' && holder.host === host && !isAlive(holder.pid)) {
      await takeOver(lockPath, holder);
      options.onWarning?.(
        `Took over the ledger lock ${holder.id} left by process ${holder.pid} (${holder.operation}, ${holder.created}), which no longer runs; that run was interrupted, check its actions with 'aktin-sftp drift'.`,
      );
      if (!(await tryCreate(lockPath, info))) throw lockedProblem(lockPath, await readLock(lockPath));
    } else {
      throw lockedProblem(lockPath, holder);
    }
  }
  // The guard removes the lock if the process exits while holding it (process.exit on a second
  // signal, an uncaught error): a lock is never left behind by a run that is gone.
  const guard = () => removeIfOurs(lockPath, info.id);
  process.once('exit', guard);
  return {
    info,
    release: async () => {
      process.off('exit', guard);
      const now = await readLock(lockPath);
      if (now !== 'absent' && now !== 'unreadable' && now.id === info.id) await unlink(lockPath).catch(() => undefined);
      else options.onWarning?.(`The ledger lock ${info.id} was removed by someone else while this run held it (force-unlock?).`);
    },
  };
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
  if (holder === 'unreadable' || holder.id !== lockId) {
    const detail = `${lockDetail(lockPath, holder)}\n\nThe lock ID given was ${JSON.stringify(lockId)}.`;
    throw new ProblemError(problem('LEDGER_LOCKED', 'The lock ID does not match the lock on the ledger', detail, 'Pass the ID from the Lock Info above, after making sure that run is no longer active.'));
  }
  await unlink(lockPath);
  return holder;
}

/** The current lock, for display: null when there is none or it cannot be read. */
export async function readLedgerLock(workingDir: string): Promise<LockInfo | null> {
  const holder = await readLock(join(workingDir, LOCK_FILE_NAME));
  return typeof holder === 'object' ? holder : null;
}

async function tryCreate(lockPath: string, info: LockInfo): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
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
  await handle.close();
  return true;
}

/**
 * Moves the dead holder's lock aside under a unique name, so that of two runs that found the
 * same dead lock only one removes it; if what was moved is not that lock (a live run took over
 * in between), it is put back.
 */
async function takeOver(lockPath: string, dead: LockInfo): Promise<void> {
  const aside = `${lockPath}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readLock(aside);
  if (moved !== 'absent' && moved !== 'unreadable' && moved.id !== dead.id) {
    await rename(aside, lockPath);
    throw lockedProblem(lockPath, moved);
  }
  await unlink(aside).catch(() => undefined);
}

/** A link, hard link, FIFO or device as the lock is refused (LEDGER_UNSAFE), never read or removed. */
async function readLock(lockPath: string): Promise<LockInfo | 'absent' | 'unreadable'> {
  // The lock is a few hundred bytes; anything much larger is not one.
  const bytes = await readPlain(lockPath, 'ledger lock', { cap: 64 * 1024, tooLarge: () => new Error('too large') }).catch((error: unknown) => {
    if (error instanceof ProblemError) throw error;
    return undefined;
  });
  if (bytes === null) return 'absent';
  if (bytes === undefined) return 'unreadable';
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as Partial<LockInfo>;
    return typeof parsed.id === 'string' && typeof parsed.pid === 'number' ? (parsed as LockInfo) : 'unreadable';
  } catch {
    return 'unreadable';
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

function lockedProblem(lockPath: string, holder: LockInfo | 'absent' | 'unreadable'): ProblemError {
  const id = typeof holder === 'object' ? holder.id : 'ID';
  return new ProblemError(
    problem(
      'LEDGER_LOCKED',
      'The ledger is locked by another aktin-sftp run',
      lockDetail(lockPath, holder),
      `Wait for that run to finish. If you are sure no other run is active (for example it was\nkilled on another host), remove the lock with:\n  aktin-sftp force-unlock ${id}`,
    ),
  );
}

function lockDetail(lockPath: string, holder: LockInfo | 'absent' | 'unreadable'): string {
  if (typeof holder !== 'object') return `The lock file ${lockPath} exists but cannot be read; remove it by hand if no run is active.`;
  return [
    'Lock Info:',
    `  ID:        ${holder.id}`,
    `  Operation: ${holder.operation}`,
    `  Who:       ${holder.who}`,
    `  PID:       ${holder.pid}`,
    `  Version:   ${holder.version}`,
    `  Created:   ${holder.created}`,
    `  Path:      ${holder.path}`,
  ].join('\n');
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}

/**
 * What a run that meets a held ledger lock is told: Terraform's Lock Info plus the holder's last
 * heartbeat, so one can see whether that run is alive, and when its lock will be taken over.
 */
import type { LockInfo } from '../../app/ports.js';
import { formatDuration } from '../../core/duration.js';
import { ProblemError, problem } from '../../core/problem.js';
import { STALE_AFTER_MS } from './lock-heartbeat.js';

/** A lock as read from its file: the info and the mtime (the heartbeat). */
export interface HeldLock {
  readonly info: LockInfo;
  readonly beatMs: number;
}

export type LockRead = HeldLock | 'absent' | 'unreadable';

/** `unlockCommand` renders the force-unlock line with the run's own options (-c FILE …). */
export function lockedProblem(lockPath: string, holder: LockRead, now: Date, unlockCommand = (id: string) => `aktin-sftp force-unlock ${id}`): ProblemError {
  const id = typeof holder === 'object' ? holder.info.id : 'ID';
  return new ProblemError(
    problem(
      'LEDGER_LOCKED',
      'The ledger is locked by another aktin-sftp run',
      lockDetail(lockPath, holder, now),
      `Wait for that run to finish (--lock-timeout waits for it). A run that stops refreshing its\n` +
        `lock (killed, or its host is gone) loses it ${formatDuration(STALE_AFTER_MS)} after its last heartbeat. If you\n` +
        `are sure no other run is active, remove the lock with:\n  ${unlockCommand(id)}`,
    ),
  );
}

export function lockDetail(lockPath: string, holder: LockRead, now: Date): string {
  if (typeof holder !== 'object') return `The lock file ${lockPath} exists but cannot be read; remove it by hand if no run is active.`;
  const { info } = holder;
  return [
    'Lock Info:',
    `  ID:        ${info.id}`,
    `  Operation: ${info.operation}`,
    `  Who:       ${info.who}`,
    `  PID:       ${info.pid}`,
    `  Version:   ${info.version}`,
    `  Created:   ${info.created}`,
    `  Path:      ${info.path}`,
    `  Heartbeat: ${beatText(holder.beatMs, now)}`,
  ].join('\n');
}

/** `2026-11-22T10:00:05.000Z (3s ago)`. */
export function beatText(beatMs: number, now: Date): string {
  const age = Math.max(0, Math.floor((now.getTime() - beatMs) / 1000) * 1000);
  return `${new Date(beatMs).toISOString()} (${age === 0 ? 'just now' : `${formatDuration(age)} ago`})`;
}

/**
 * The ledger lock's heartbeat: while a run holds the lock it sets the lock file's mtime every
 * HEARTBEAT_MS, through the file it created (so it never refreshes a lock that is no longer its
 * own). A lock whose mtime is older than STALE_AFTER_MS was left by a run that is gone — killed
 * in a container that got a new host name and pid 1 next time, on a host that was switched off
 * — and any run, on any host, takes it over. The bound is 12 missed beats: far longer than any
 * pause of a healthy run (a blocked event loop, a stopped VM being resumed, a clock adjusted by
 * NTP); hosts sharing a WORKING_DIR need clocks that agree to well within it.
 */
import type { FileHandle } from 'node:fs/promises';

export const HEARTBEAT_MS = 10_000;
export const STALE_AFTER_MS = 120_000;

/** Starts refreshing the lock through `handle`; the returned function stops it. Never keeps the process alive. */
export function startHeartbeat(handle: FileHandle, intervalMs = HEARTBEAT_MS): () => void {
  const timer = setInterval(() => {
    const now = new Date();
    // A failed beat (a full disk, an NFS hiccup) is retried at the next; only a long silence matters.
    handle.utimes(now, now).catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The ledger's own files in WORKING_DIR (status.xml, its journal, backup and lock) are opened
 * only as plain files of their own: never through a symbolic link (O_NOFOLLOW), never a file
 * with a second name (a hard link: writing it writes that other file too), never a FIFO or a
 * device (O_NONBLOCK, so opening one cannot hang or act on it). Each open is checked twice: by
 * lstat before, and by fstat of what was opened, which must be the same file.
 * WORKING_DIR itself and the folders above it are the operator's choice: links there are
 * followed (docs/apply-safety.md). Whoever can write into WORKING_DIR cannot make us read or
 * write anything outside it.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { unsafeProblem } from './problems.js';

const READ = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const WRITE = constants.O_RDWR | constants.O_NOFOLLOW | constants.O_NONBLOCK;
/**
 * Every write durable when it returns (the data and the size that reads it back), as write +
 * fdatasync, in one call: one trip to the thread pool per journal record instead of two, half the
 * latency and CPU (0.14 against 0.26 ms a record here). Where the platform has no O_DSYNC, 0:
 * the caller syncs itself (`durable` says which).
 */
const DSYNC = constants.O_DSYNC ?? 0;

/** Why `stats` is not a plain file of its own; undefined when it is. */
export function notPlainReason(stats: Stats): string | undefined {
  if (stats.isSymbolicLink()) return 'is a symbolic link';
  if (stats.isFIFO()) return 'is a FIFO (named pipe)';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'is a device';
  if (stats.isDirectory()) return 'is a folder';
  if (!stats.isFile()) return 'is not a regular file';
  if (stats.nlink !== 1) return `has ${stats.nlink} hard links (it is also another file)`;
  return undefined;
}

/** Refuses `path` unless it is absent or a plain file of its own; reads nothing. */
export async function checkPlainOrAbsent(path: string, role: string): Promise<boolean> {
  let before: Stats;
  try {
    before = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const why = notPlainReason(before);
  if (why) throw unsafeProblem(path, role, why);
  return true;
}

/** Whether a handle opened 'durable' makes every write durable by itself (else: write, then sync). */
export const DURABLE_WRITES = DSYNC !== 0;

/** The open plain file at `path`, or null when there is none. */
export async function openPlain(path: string, role: string, mode: 'read' | 'write' | 'durable'): Promise<{ handle: FileHandle; size: number } | null> {
  if (!(await checkPlainOrAbsent(path, role))) return null;
  let handle: FileHandle;
  try {
    handle = await open(path, mode === 'read' ? READ : mode === 'write' ? WRITE : WRITE | DSYNC);
  } catch (error) {
    return absentOrThrow(error, path, role);
  }
  try {
    const after = await handle.stat();
    const why = notPlainReason(after) ?? (await changedReason(path, after));
    if (why) throw unsafeProblem(path, role, why);
    return { handle, size: after.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** An open that failed: null when the file is absent, else the error (a link named as one). */
function absentOrThrow(error: unknown, path: string, role: string): null {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return null;
  if (code === 'ELOOP') throw unsafeProblem(path, role, 'is a symbolic link');
  throw error;
}

/** The bytes of the plain file at `path` (null when absent); more than `cap` bytes is refused by `tooLarge` before reading. */
export async function readPlain(path: string, role: string, limit?: { cap: number; tooLarge: (size: number) => Error }): Promise<Buffer | null> {
  const opened = await openPlain(path, role, 'read');
  if (!opened) return null;
  const { handle, size } = opened;
  try {
    if (limit && size > limit.cap) throw limit.tooLarge(size);
    // Exactly the size fstat saw: a file growing meanwhile (an apply appending) is read as it was.
    const bytes = Buffer.alloc(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(bytes, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return bytes.subarray(0, at);
  } finally {
    await handle.close();
  }
}

/** readPlain() for the process 'exit' hook and snapshot getters, where nothing asynchronous runs. */
export function readPlainSync(path: string, role: string): Buffer | null {
  let fd: number;
  try {
    const why = notPlainReason(lstatSync(path));
    if (why) throw unsafeProblem(path, role, why);
    fd = openSync(path, READ);
  } catch (error) {
    return absentOrThrow(error, path, role);
  }
  try {
    const stats = fstatSync(fd);
    const why = notPlainReason(stats) ?? (sameFile(stats, lstatSync(path)) ? undefined : 'was replaced while it was opened');
    if (why) throw unsafeProblem(path, role, why);
    const bytes = Buffer.alloc(stats.size);
    let at = 0;
    while (at < bytes.length) {
      const read = readSync(fd, bytes, at, bytes.length - at, at);
      if (read === 0) break;
      at += read;
    }
    return bytes.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

async function changedReason(path: string, opened: Stats): Promise<string | undefined> {
  const now = await lstat(path).catch(() => null);
  return now && sameFile(now, opened) ? undefined : 'was replaced while it was opened';
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * A file replaced whole or not at all: the new content goes to a temporary file beside it, is
 * fsync'd, renamed onto the path, and the folder is fsync'd so that the rename survives a crash.
 * A reader sees the old file or the whole new one; a failure removes the temporary file.
 * Never through a link: the temporary file is created exclusively and without following links
 * (O_EXCL | O_NOFOLLOW), so a name planted in the folder cannot redirect the write, and the
 * rename replaces the name itself, never what a link there points to. Whether the path's
 * current file may be replaced at all (the ledger's plain-file rules) is the caller's to check.
 * Temporary names are hidden and end in `.tmp` (`.status.xml.<12 hex>.tmp`): globs like `*.prom`
 * skip them, and `isTemporaryOf` recognises what a killed process left behind.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** 0644 whatever the umask: plans and metrics are read by other users (CI, collectors), as is the ledger. */
export const PUBLIC_MODE = 0o644;

/** Folders some file systems cannot fsync (the rename itself has happened there). */
const FOLDER_SYNC_UNSUPPORTED = ['EINVAL', 'EISDIR', 'ENOTSUP', 'EPERM'];

export interface ReplaceOptions {
  /** The new file's mode, whatever the umask. */
  readonly mode: number;
  /** Runs once the new content is durable, before the rename (the ledger marks its journal, keeps a backup). */
  readonly beforeRename?: () => Promise<void>;
}

/** Replaces `path` with `content`. Throws the file system's error; callers say what the file was for. */
export async function replaceFile(path: string, content: string | Buffer, options: ReplaceOptions): Promise<void> {
  await replaceFileWith(path, (handle) => handle.writeFile(content), options);
}

/** Replaces `path` with what `write` writes into the open temporary file (a stream, say); returns what `write` returns. */
export async function replaceFileWith<T>(path: string, write: (handle: FileHandle) => Promise<T>, options: ReplaceOptions): Promise<T> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const result = await withNewFile(temp, options.mode, write);
    await options.beforeRename?.();
    await rename(temp, path);
    await syncFolder(dirname(path));
    return result;
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Creates `file` (nothing may be there, not even a link) with `content`, fsync'd, with `mode`. */
export async function writeNewFile(file: string, content: string | Buffer, mode: number): Promise<void> {
  await withNewFile(file, mode, (handle) => handle.writeFile(content));
}

/** A new directory entry is durable once its folder is fsync'd; where a file system cannot, the entry stands anyway. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch (error) {
    if (!FOLDER_SYNC_UNSUPPORTED.includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

/** Whether `entry` (a name in the folder of `path`) is a temporary file of a replacement of `path`. */
export function isTemporaryOf(path: string, entry: string): boolean {
  return entry.startsWith(`.${basename(path)}.`) && /^[0-9a-f]{12}\.tmp$/.test(entry.slice(basename(path).length + 2));
}

async function withNewFile<T>(file: string, mode: number, write: (handle: FileHandle) => Promise<T>): Promise<T> {
  const handle = await open(file, CREATE_NEW, mode);
  try {
    await handle.chmod(mode);
    const result = await write(handle);
    await handle.sync();
    return result;
  } finally {
    await handle.close();
  }
}

/**
 * Durable file steps for the ledger store: a new file written and fsync'd, the previous
 * status.xml copied to `status.xml.backup` (itself atomically), a rename, an fsync of the
 * folder. A crash leaves either the old or the new file, never a torn one.
 */
import { randomBytes } from 'node:crypto';
import { lstat, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { checkPlainOrAbsent, readPlain } from './plain-file.js';

export const DEFAULT_MODE = 0o644; // what the original's ElementTree.write leaves under the usual umask

/** Writes `bytes` to `path` atomically, keeping the file's mode; with `backup`, the old file is kept there first. */
export async function replaceFile(path: string, bytes: Buffer, options: { backup?: string; beforeRename?: () => Promise<void> }): Promise<void> {
  const dir = dirname(path);
  const mode = await existingMode(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeNewFile(temp, bytes, mode);
    await options.beforeRename?.();
    if (mode !== undefined && options.backup !== undefined) await copyDurably(path, options.backup, mode);
    await rename(temp, path);
    await syncDirectory(dir);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** The backup is read and replaced as plain files only: neither may be a link to elsewhere. */
async function copyDurably(from: string, to: string, mode: number): Promise<void> {
  const temp = join(dirname(to), `.${basename(to)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await checkPlainOrAbsent(to, 'ledger backup');
    const bytes = await readPlain(from, 'ledger');
    if (bytes === null) throw Object.assign(new Error(`${from} disappeared while this run used it`), { code: 'ENOENT' });
    await writeNewFile(temp, bytes, mode);
    await rename(temp, to);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Creates `file` (it must not exist) with `bytes`, fsync'd, with `mode` not narrowed by the umask. */
export async function writeNewFile(file: string, bytes: Buffer, mode: number | undefined): Promise<void> {
  const handle = await open(file, 'wx', mode ?? DEFAULT_MODE);
  try {
    await handle.chmod(mode ?? DEFAULT_MODE);
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a directory; the rename itself has happened.
    if (!['EINVAL', 'EISDIR', 'ENOTSUP', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

/** The mode of the plain file status.xml (never of what a link there points to). */
export async function existingMode(path: string): Promise<number | undefined> {
  try {
    if (!(await checkPlainOrAbsent(path, 'ledger'))) return undefined;
    return (await lstat(path)).mode & 0o7777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Removes temporary files that a process killed mid-write left beside `path` (names only we make). */
export async function removeLeftoverTemps(path: string): Promise<void> {
  const name = basename(path).replace(/[.]/g, '\\.');
  const ours = new RegExp(`^\\.${name}\\.(backup\\.)?[0-9a-f]{12}\\.tmp$`);
  for (const entry of await readdir(dirname(path))) {
    if (ours.test(entry)) await unlink(join(dirname(path), entry)).catch(() => undefined);
  }
}

/**
 * Durable file steps for the ledger store, on the files family's atomic replacement: the new
 * status.xml written and fsync'd beside the old one, the previous status.xml copied to
 * `status.xml.backup` (itself replaced atomically), a rename, an fsync of the folder. A crash
 * leaves either the old or the new file, never a torn one. What is replaced or copied must be
 * a plain file of its own (plain-file.ts): never a link to elsewhere.
 */
import { lstat, readdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isTemporaryOf, PUBLIC_MODE, replaceFile } from '../files/index.js';
import { checkPlainOrAbsent, readPlain } from './plain-file.js';

/** What the original's ElementTree.write leaves under the usual umask. */
export const DEFAULT_MODE = PUBLIC_MODE;

/** Writes `bytes` to `path` atomically, keeping the file's mode; with `backup`, the old file is kept there first. */
export async function replaceLedgerFile(path: string, bytes: Buffer, options: { backup?: string; beforeRename?: () => Promise<void> }): Promise<void> {
  const mode = await existingMode(path);
  const { backup, beforeRename } = options;
  await replaceFile(path, bytes, {
    mode: mode ?? DEFAULT_MODE,
    beforeRename: async () => {
      await beforeRename?.();
      if (mode !== undefined && backup !== undefined) await copyDurably(path, backup, mode);
    },
  });
}

/** The backup is read and replaced as plain files only: neither may be a link to elsewhere. */
async function copyDurably(from: string, to: string, mode: number): Promise<void> {
  await checkPlainOrAbsent(to, 'ledger backup');
  const bytes = await readPlain(from, 'ledger');
  if (bytes === null) throw Object.assign(new Error(`${from} disappeared while this run used it`), { code: 'ENOENT' });
  await replaceFile(to, bytes, { mode });
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

/** Removes temporary files that a process killed mid-write left beside `path` or its backup. */
export async function removeLeftoverTemps(path: string): Promise<void> {
  const backup = `${path}.backup`;
  for (const entry of await readdir(dirname(path))) {
    if (isTemporaryOf(path, entry) || isTemporaryOf(backup, entry)) await unlink(join(dirname(path), entry)).catch(() => undefined);
  }
}

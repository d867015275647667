/**
 * A small text file replaced atomically: a temporary file beside it (hidden, ending in `.tmp`,
 * so globs like `*.prom` skip it), fsync, rename. A reader sees the old file or the whole new
 * one. Mode 0644 whatever the umask: plans and metrics are read by other users (CI, collectors).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Throws the file system's error; callers say what the file was for. */
export async function replaceTextFile(path: string, text: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.chmod(0o644);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

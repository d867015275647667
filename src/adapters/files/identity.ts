/**
 * Where a path leads, for output-clash.ts: stat() follows every link to an existing file; a path
 * whose file does not exist yet (or a link to such a name) is its resolved folder plus the name.
 * Never reads or writes a file.
 */
import { lstat, readlink, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { FileIdentity } from '../../core/output-clash.js';

const MAX_LINKS = 40; // as the kernel's ELOOP limit

export async function identifyFile(path: string): Promise<FileIdentity | null> {
  let at = resolve(path);
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    try {
      const s = await stat(at, { bigint: true });
      return { kind: 'file', dev: s.dev, ino: s.ino };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return null;
    }
    const link = await lstat(at).catch(() => null);
    if (link?.isSymbolicLink()) {
      // A dangling link: writing it creates its target.
      at = resolve(dirname(at), await readlink(at));
      continue;
    }
    try {
      const folder = await stat(dirname(at), { bigint: true });
      return { kind: 'name', dev: folder.dev, ino: folder.ino, name: basename(at) };
    } catch {
      return null;
    }
  }
  return null;
}

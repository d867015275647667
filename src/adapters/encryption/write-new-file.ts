/**
 * Creates a key file that did not exist: O_CREAT|O_EXCL|O_NOFOLLOW, so neither an existing
 * file nor a link (even a dangling one) at the path is ever written through; the mode is set
 * at creation, so a secret is never readable by others, not even for a moment. A failed write
 * removes the half-written file, which this call created.
 */
import { constants } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { ProblemError, problem } from '../../core/problem.js';

export async function writeNewFile(path: string, text: string, mode: number, what: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  } catch (error) {
    throw cannotCreate(path, what, error);
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(path, { force: true });
    throw cannotCreate(path, what, error);
  }
}

export function cannotCreate(path: string, what: string, error: unknown): ProblemError {
  const code = (error as NodeJS.ErrnoException).code;
  const detail =
    code === 'EEXIST' || code === 'ELOOP'
      ? `Something exists there already; a ${what} is never overwritten or written through a link.`
      : code === 'ENOENT'
        ? 'Its folder does not exist.'
        : code === 'EACCES'
          ? 'Permission denied.'
          : `The system said ${code ?? 'an error'}.`;
  return new ProblemError(problem('FILE_IO', `Cannot create the ${what} ${path}`, detail, 'Choose another path.'), { cause: error });
}

/**
 * The file steps every decryption shares: a temporary file (mode 0600) beside the output,
 * which becomes the output only by rename once the whole input verified, and file errors in
 * words that name the path.
 */
import { randomBytes } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ProblemError, problem } from '../../core/problem.js';

/** A fresh name in the output's folder, so the final rename never crosses a file system. */
export function tempPathBeside(output: string): string {
  return join(dirname(output), `.${basename(output)}.${randomBytes(4).toString('hex')}.tmp`);
}

export async function openFile(path: string, flags: string, mode: number | undefined, title: string): Promise<FileHandle> {
  try {
    return await open(path, flags, mode);
  } catch (error) {
    throw fileProblem(title, error);
  }
}

/** The rename is durable only once the folder's entry is on disk; best effort where unsupported. */
export async function syncFolder(path: string): Promise<void> {
  const folder = await open(path, 'r').catch(() => undefined);
  await folder?.sync().catch(() => undefined);
  await folder?.close();
}

export function fileProblem(title: string, error: unknown): ProblemError {
  const code = (error as NodeJS.ErrnoException).code;
  const detail = code === 'ENOENT' ? 'No such file or folder.' : code === 'EACCES' ? 'Permission denied.' : code === 'EISDIR' ? 'It is a folder.' : `The system said ${code}.`;
  return new ProblemError(problem('FILE_IO', title, detail), { cause: error });
}

/**
 * The file steps every decryption shares: the plaintext goes to the files family's atomic
 * replacement of the output (a temporary file, mode 0600, beside it, so the final rename never
 * crosses a file system), which becomes the output only once the whole input verified; file
 * errors in words that name the path.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { ProblemError, problem } from '../../core/problem.js';
import { replaceFileWith } from '../files/index.js';

/** Replaces `output` with what `write` writes, or leaves it as it was; returns what `write` returns. */
export async function replaceOutput<T>(output: string, write: (target: FileHandle) => Promise<T>): Promise<T> {
  try {
    return await replaceFileWith(output, write, { mode: 0o600 });
  } catch (error) {
    // Opening the temporary file beside the output (or its folder) failed: the output's folder is the problem.
    if ((error as NodeJS.ErrnoException).syscall === 'open') throw fileProblem(`Cannot write ${output}`, error);
    throw error;
  }
}

export async function openFile(path: string, flags: string, mode: number | undefined, title: string): Promise<FileHandle> {
  try {
    return await open(path, flags, mode);
  } catch (error) {
    throw fileProblem(title, error);
  }
}

export function fileProblem(title: string, error: unknown): ProblemError {
  const code = (error as NodeJS.ErrnoException).code;
  const detail = code === 'ENOENT' ? 'No such file or folder.' : code === 'EACCES' ? 'Permission denied.' : code === 'EISDIR' ? 'It is a folder.' : `The system said ${code}.`;
  return new ProblemError(problem('FILE_IO', title, detail), { cause: error });
}

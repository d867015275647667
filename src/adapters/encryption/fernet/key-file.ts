/**
 * Fernet key files as Python writes them: 44 url-safe base64 characters, a trailing newline
 * tolerated. Reading one names the file on every failure and never echoes its content.
 */
import { constants } from 'node:fs';
import { open, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import { ProblemError, problem } from '../../../core/problem.js';
import { generateFernetKey, parseFernetKey, type FernetKey } from './fernet.js';
import { secretFileWarning } from '../../files/index.js';

const MAX_KEY_FILE = 4096;

export async function readKeyFile(path: string, onWarning?: (message: string) => void): Promise<FernetKey> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_KEY_FILE) {
      throw new ProblemError(
        problem('KEY_INVALID', `The key file ${path} is not a Fernet key file`, `Expected a small file of 44 characters; found ${info.isFile() ? `${info.size} bytes` : 'no regular file'}.`),
      );
    }
    const exposed = secretFileWarning(`The key file ${path}`, path, info);
    if (exposed) onWarning?.(exposed);
    text = await readFile(path, 'latin1');
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ProblemError(
      problem(
        'KEY_INVALID',
        `Cannot read the key file ${path}`,
        code === 'ENOENT' ? 'The file does not exist.' : code === 'EACCES' ? 'Permission denied.' : `The system said ${code ?? 'an error'}.`,
        "Check the path ([SECURITY] PATH_ENCRYPTION_KEY in the configuration, or decrypt's -k), or create a key with 'aktin-sftp keygen -o FILE'.",
      ),
      { cause: error },
    );
  }
  return parseFernetKey(text, `The key file ${path}`);
}

/**
 * Creates a new key file, mode 0600, with a trailing newline (Python's Fernet strips it);
 * never overwrites an existing file, and leaves no half-written file behind.
 */
export async function writeNewKeyFile(path: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (error) {
    throw cannotCreate(path, error);
  }
  try {
    await handle.writeFile(generateFernetKey() + '\n');
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(path, { force: true });
    throw cannotCreate(path, error);
  }
}

function cannotCreate(path: string, error: unknown): ProblemError {
  const code = (error as NodeJS.ErrnoException).code;
  const detail =
    code === 'EEXIST' ? 'The file exists already; a key file is never overwritten.' : code === 'ENOENT' ? 'Its folder does not exist.' : `The system said ${code ?? 'an error'}.`;
  return new ProblemError(problem('FILE_IO', `Cannot create the key file ${path}`, detail, 'Choose another path.'), { cause: error });
}

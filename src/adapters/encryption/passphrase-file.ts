/**
 * A passphrase kept in a file (`--passphrase-file`): the whole file is the passphrase, less
 * one trailing line break, as `echo pass > file` leaves it. Warns when others may read it;
 * messages name the file, never its content.
 */
import { stat } from 'node:fs/promises';
import { ProblemError, problem } from '../../core/problem.js';
import { Secret } from '../../core/secret.js';
import { readFileCapped, secretFileWarning } from '../files/index.js';

const MAX_PASSPHRASE_FILE = 4096;

export async function readPassphraseFile(path: string, onWarning?: (message: string) => void): Promise<Secret> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_PASSPHRASE_FILE) {
      throw unusable(path, info.isFile() ? `It has ${info.size} bytes; a passphrase file holds at most ${MAX_PASSPHRASE_FILE}.` : 'It is not a regular file.');
    }
    const exposed = secretFileWarning(`The passphrase file ${path}`, path, info);
    if (exposed) onWarning?.(exposed);
    text = (await readFileCapped(path, MAX_PASSPHRASE_FILE)).toString('utf8').replace(/\r?\n$/, '');
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw unusable(path, code === 'ENOENT' ? 'The file does not exist.' : code === 'EACCES' ? 'Permission denied.' : `The system said ${code ?? 'an error'}.`, error);
  }
  if (text.length === 0) throw unusable(path, 'It is empty.');
  return new Secret(text);
}

function unusable(path: string, detail: string, cause?: unknown): ProblemError {
  return new ProblemError(problem('USAGE', `Cannot use the passphrase file ${path}`, detail, 'Give --passphrase-file a file that holds the passphrase (mode 0600).'), cause === undefined ? undefined : { cause });
}

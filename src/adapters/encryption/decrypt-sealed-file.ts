/**
 * `decrypt` for every scheme: which scheme sealed the input (from its first bytes), whether the
 * key fits it, and the opening itself, which writes nothing unless the whole file verified.
 * Messages name the file and the scheme; never key material or file content.
 */
import { ProblemError, isProblemError, problem } from '../../core/problem.js';
import { createAgeOpenStream } from './age/open-stream.js';
import { createCrypt4ghOpenStream } from './crypt4gh/open-stream.js';
import type { DecryptionKey } from './decryption-key-file.js';
import { decryptFile } from './fernet/decrypt-file.js';
import { openSealedFile } from './open-sealed-file.js';
import { openFile } from './output-file.js';
import { detectSealedScheme, type SealedScheme } from './sealed-scheme.js';

const HEAD = 32;

const NAMES: Record<SealedScheme, { file: string; key: string; keyMakers: string }> = {
  fernet: { file: 'a Fernet token', key: 'the Fernet key file', keyMakers: 'aktin-sftp keygen -o FILE' },
  age: { file: 'an age file', key: 'an age identity file', keyMakers: 'age-keygen -o FILE, or aktin-sftp keygen --scheme age -o FILE' },
  crypt4gh: { file: 'a Crypt4GH file', key: 'a Crypt4GH secret key', keyMakers: 'crypt4gh-keygen, or aktin-sftp keygen --scheme crypt4gh -o FILE' },
};

/** The scheme that sealed `input`; a file of none of them is refused. */
export async function detectFileScheme(input: string): Promise<SealedScheme> {
  const source = await openFile(input, 'r', undefined, `Cannot read the file ${input}`);
  let head: Buffer;
  try {
    if (!(await source.stat()).isFile()) throw new ProblemError(problem('FILE_IO', `Cannot read the file ${input}`, 'It is not a regular file.'));
    const { bytesRead, buffer } = await source.read(Buffer.alloc(HEAD), 0, HEAD, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await source.close();
  }
  const scheme = detectSealedScheme(head);
  if (!scheme) {
    throw new ProblemError(
      problem(
        'DECRYPT_FAILED',
        `${input} is not an age, Crypt4GH or Fernet file`,
        `Its first bytes are none of "age-encryption.org/v1", the Crypt4GH magic "crypt4gh" or a Fernet token's "gAAAAA"${head.length === 0 ? ' (it is empty)' : ''}. Nothing was written.`,
        'Check that this is an upload of aktin-sftp (export_<id>.zip, .zip.age or .zip.c4gh) and that it is complete.',
      ),
    );
  }
  return scheme;
}

/** A key of another scheme than the file's: which scheme the file is and which key it needs. */
export function checkKeyFitsFile(fileScheme: SealedScheme, keyScheme: SealedScheme, input: string, keyFile: string): void {
  if (fileScheme === keyScheme) return;
  const file = NAMES[fileScheme];
  throw new ProblemError(
    problem(
      'KEY_INVALID',
      `${input} is ${file.file}, and the key file ${keyFile} is ${NAMES[keyScheme].key}`,
      `${capital(file.file)} opens only with ${file.key} (${file.keyMakers}).`,
      `Give -k ${file.key} of a recipient of this file.`,
    ),
  );
}

export async function decryptSealedFile(input: string, output: string, key: DecryptionKey, options: { ttl?: number; sender?: Buffer } = {}): Promise<{ bytes: number }> {
  if (key.scheme === 'fernet') return decryptFile(key.key, input, output, options.ttl === undefined ? {} : { ttl: options.ttl });
  const opener = key.scheme === 'age' ? createAgeOpenStream(key.identities) : createCrypt4ghOpenStream(key.key, options.sender ? { sender: options.sender } : {});
  try {
    return await openSealedFile(input, output, opener);
  } catch (error) {
    if (!isProblemError(error) || error.code !== 'DECRYPT_FAILED') throw error;
    const p = error.problems[0]!;
    throw new ProblemError(problem('DECRYPT_FAILED', `${input} is not a valid ${key.scheme === 'age' ? 'age' : 'Crypt4GH'} file for this key`, `${p.detail ?? p.title} Nothing was written to ${output}.`, p.hint), {
      cause: error,
    });
  }
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

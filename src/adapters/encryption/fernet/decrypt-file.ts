/**
 * Decrypts a Fernet token file with flat memory, and leaves no plaintext behind unless the
 * whole token verified. Fernet authenticates only at the end, so the token is read twice:
 * the first pass checks the HMAC and writes nothing; the second decrypts into the files
 * family's atomic replacement of the output (a temporary file, mode 0600), checks the HMAC
 * again (the file may have changed in between), and only then is it renamed onto the output.
 * Any failure removes the temporary file.
 */
import { createDecipheriv, createHmac, timingSafeEqual, type Decipher } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ProblemError, isProblemError, problem } from '../../../core/problem.js';
import { fileProblem, openFile, replaceOutput } from '../output-file.js';
import { checkTimestamp, invalidToken, type FernetKey } from './fernet.js';
import { readTokenBytes } from './token-bytes.js';

const HEADER = 25;
const MAC = 32;

type Write = (plain: Buffer) => Promise<unknown>;

export async function decryptFile(key: FernetKey, input: string, output: string, options: { ttl?: number } = {}): Promise<{ bytes: number }> {
  if (resolve(input) === resolve(output)) {
    throw new ProblemError(problem('USAGE', 'The output must differ from the input', `Both are ${input}.`, 'Choose another output path.'));
  }
  const source = await openFile(input, 'r', undefined, `Cannot read the token file ${input}`);
  try {
    if (!(await source.stat()).isFile()) throw new ProblemError(problem('FILE_IO', `Cannot read the token file ${input}`, 'It is not a regular file.'));
    await scanToken(key, source, options);
    const bytes = await replaceOutput(output, (target) => scanToken(key, source, options, (plain) => target.write(plain)));
    return { bytes };
  } catch (error) {
    throw explain(error, input, output);
  } finally {
    await source.close();
  }
}

/**
 * One streaming pass over the token: version and TTL from the header, HMAC over all but the
 * last 32 bytes, and (given `write`) CBC decryption of the ciphertext. Returns the plaintext size.
 */
async function scanToken(key: FernetKey, source: FileHandle, options: { ttl?: number }, write?: Write): Promise<number> {
  const hmac = createHmac('sha256', key.signingKey);
  let decipher: Decipher | undefined;
  let held: Buffer = Buffer.alloc(0);
  let total = 0;
  let written = 0;
  for await (const bytes of readTokenBytes(source)) {
    total += bytes.length;
    let all: Buffer = held.length > 0 ? Buffer.concat([held, bytes]) : bytes;
    if (!decipher) {
      if (all.length < HEADER + MAC) {
        held = Buffer.from(all);
        continue;
      }
      if (all[0] !== 0x80) throw invalidToken('unknown version');
      checkTimestamp(all, options);
      hmac.update(all.subarray(0, HEADER));
      decipher = createDecipheriv('aes-128-cbc', key.encryptionKey, all.subarray(9, HEADER));
      all = all.subarray(HEADER);
    }
    // The last 32 bytes seen so far may be the HMAC: hold them back.
    const ciphertext = all.subarray(0, all.length - Math.min(MAC, all.length));
    hmac.update(ciphertext);
    if (write) written += await writeAll(write, decipher.update(ciphertext));
    held = Buffer.from(all.subarray(ciphertext.length));
  }
  if (!decipher || total < HEADER + 16 + MAC || (total - HEADER - MAC) % 16 !== 0) throw invalidToken('malformed token (length)');
  if (!timingSafeEqual(hmac.digest(), held)) throw invalidToken('HMAC mismatch: wrong key or altered token');
  if (!write) return 0;
  let last: Buffer;
  try {
    last = decipher.final();
  } catch (error) {
    throw invalidToken('bad padding', error);
  }
  return written + (await writeAll(write, last));
}

async function writeAll(write: Write, plain: Buffer): Promise<number> {
  if (plain.length > 0) await write(plain);
  return plain.length;
}

function explain(error: unknown, input: string, output: string): unknown {
  if (isProblemError(error) && error.code === 'DECRYPT_FAILED') {
    const p = error.problems[0]!;
    return new ProblemError(
      problem('DECRYPT_FAILED', `${input} is not a valid Fernet token for this key`, `${p.title}. Nothing was written to ${output}.`, 'Check that this is the right key file for this upload, and that the upload is complete.'),
      { cause: error },
    );
  }
  if (!isProblemError(error) && typeof (error as NodeJS.ErrnoException)?.code === 'string') return fileProblem(`Cannot decrypt ${input} to ${output}`, error);
  return error;
}

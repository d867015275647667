/**
 * Decrypts a Fernet token file with flat memory, and leaves no plaintext behind unless the
 * whole token verified: a first pass checks the HMAC over the streamed token, a second pass
 * decrypts into a temporary file beside the output, which is renamed only at the end.
 */
import { randomBytes, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ProblemError, problem } from '../core/problem.js';
import { checkTimestamp, invalidToken, type FernetKey } from './fernet.js';

const HEADER = 25;
const MAC = 32;
const ALPHABET = /^[A-Za-z0-9_-]*$/;

export async function decryptFile(key: FernetKey, input: string, output: string, options: { ttl?: number } = {}): Promise<{ bytes: number }> {
  if (resolve(input) === resolve(output)) {
    throw new ProblemError(problem('USAGE', 'The output must differ from the input', `Both are ${input}.`));
  }
  await verifyToken(key, input, options);
  const temp = join(dirname(output), `.${basename(output)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const bytes = await decryptTo(key, input, temp);
    await rename(temp, output);
    return { bytes };
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function verifyToken(key: FernetKey, input: string, options: { ttl?: number }): Promise<void> {
  const hmac = createHmac('sha256', key.signingKey);
  let held: Buffer = Buffer.alloc(0);
  let total = 0;
  let first: Buffer | undefined;
  for await (const bytes of decodedChunks(input)) {
    total += bytes.length;
    const all: Buffer = Buffer.concat([held, bytes]);
    if (!first && all.length >= HEADER) first = Buffer.from(all.subarray(0, HEADER));
    const keep = Math.min(MAC, all.length);
    hmac.update(all.subarray(0, all.length - keep));
    held = Buffer.from(all.subarray(all.length - keep));
  }
  if (!first || total < HEADER + 16 + MAC || (total - HEADER - MAC) % 16 !== 0) throw invalidToken('malformed token (length)');
  if (first[0] !== 0x80) throw invalidToken('unknown version');
  checkTimestamp(first, options);
  if (!timingSafeEqual(hmac.digest(), held)) throw invalidToken('HMAC mismatch: wrong key or altered token');
}

async function decryptTo(key: FernetKey, input: string, temp: string): Promise<number> {
  const file = await open(temp, 'wx', 0o600);
  let written = 0;
  try {
    let pending: Buffer = Buffer.alloc(0);
    let decipher: ReturnType<typeof createDecipheriv> | undefined;
    for await (const bytes of decodedChunks(input)) {
      pending = Buffer.concat([pending, bytes]);
      if (!decipher) {
        if (pending.length < HEADER) continue;
        decipher = createDecipheriv('aes-128-cbc', key.encryptionKey, pending.subarray(9, HEADER));
        pending = pending.subarray(HEADER);
      }
      const usable = Math.max(0, pending.length - MAC);
      const plain = decipher.update(pending.subarray(0, usable));
      pending = pending.subarray(usable);
      await file.write(plain);
      written += plain.length;
    }
    let last: Buffer;
    try {
      last = decipher!.final();
    } catch (error) {
      throw invalidToken('bad padding', error);
    }
    await file.write(last);
    written += last.length;
    await file.sync();
  } finally {
    await file.close();
  }
  return written;
}

/** Streams the token file as decoded bytes, checking the url-safe base64 alphabet strictly. */
async function* decodedChunks(path: string): AsyncGenerator<Buffer> {
  let carry = '';
  // Padding and a trailing newline may end the token; nothing else may follow them.
  let tail = '';
  for await (const chunk of createReadStream(path, { encoding: 'latin1', highWaterMark: 256 * 1024 })) {
    if (tail) {
      tail += chunk as string;
      continue;
    }
    let text = carry + (chunk as string);
    const end = text.search(/[=\s]/);
    if (end >= 0) {
      tail = text.slice(end);
      text = text.slice(0, end);
    }
    if (!ALPHABET.test(text)) throw invalidToken('not url-safe base64');
    const ready = tail ? text.length : text.length - (text.length % 4);
    if (ready > 0) yield Buffer.from(text.slice(0, ready), 'base64url');
    carry = text.slice(ready);
  }
  if (!/^={0,2}\s*$/.test(tail)) throw invalidToken('not url-safe base64');
  if (carry) yield Buffer.from(carry, 'base64url');
}

/**
 * Reads a Fernet token file as the bytes it encodes, a chunk at a time, so a token of any
 * size passes through a fixed amount of memory. Stricter than Buffer.from(…, 'base64url'),
 * which skips foreign characters: only the url-safe alphabet, then optional '=' padding and
 * whitespace (a trailing newline), nothing else.
 */
import type { FileHandle } from 'node:fs/promises';
import { invalidToken, isBase64Length } from './fernet.js';

const CHUNK = 256 * 1024; // a multiple of 4, so whole base64 groups decode per read

export async function* readTokenBytes(source: FileHandle): AsyncGenerator<Buffer> {
  const buffer = Buffer.alloc(CHUNK);
  let position = 0;
  let carry = '';
  let characters = 0;
  let tail: string | undefined; // what follows the base64 characters, whitespace runs squeezed
  for (;;) {
    const { bytesRead } = await source.read(buffer, 0, CHUNK, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const chunk = buffer.toString('latin1', 0, bytesRead);
    if (tail !== undefined) {
      tail = (tail + chunk).replace(/\s+/g, ' ');
      if (!/^={0,2}\s?$/.test(tail)) throw invalidToken('not url-safe base64 (text after the padding)');
      continue;
    }
    let text = carry + (characters === 0 && carry === '' ? chunk.trimStart() : chunk);
    // One scan finds both the end of the token and any foreign character.
    const end = text.search(/[^A-Za-z0-9_-]/);
    if (end >= 0) {
      tail = text.slice(end).replace(/\s+/g, ' ');
      text = text.slice(0, end);
      if (!/^={0,2}\s?$/.test(tail)) throw invalidToken('not url-safe base64');
    }
    const ready = tail === undefined ? text.length - (text.length % 4) : text.length;
    characters += ready;
    if (ready > 0) yield Buffer.from(text.slice(0, ready), 'base64url');
    carry = text.slice(ready);
  }
  characters += carry.length;
  if (!isBase64Length(characters, (tail ?? '').replace(/\s/g, '').length)) throw invalidToken('not url-safe base64 (length or padding)');
  if (carry) yield Buffer.from(carry, 'base64url');
}

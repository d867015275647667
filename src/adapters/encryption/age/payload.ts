/**
 * The age payload: a 16-byte nonce, then the STREAM construction over 64 KiB chunks, each
 * ChaCha20-Poly1305 under HKDF-SHA256(file key, nonce, "payload") with the nonce
 * counter (11 bytes, big-endian) ‖ last-chunk flag. Only an empty file has an empty chunk;
 * an exact multiple of 64 KiB ends with a full chunk flagged last.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { hkdf } from './header.js';

export const CHUNK = 65_536;
export const TAG = 16;
export const PAYLOAD_NONCE = 16;

export const payloadKey = (fileKey: Buffer, nonce: Buffer): Buffer => hkdf(fileKey, nonce, 'payload');

function chunkNonce(counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(counter, 5, 6);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** Pushes the sealed chunk (ciphertext, then tag) through `push`. */
export function sealChunk(key: Buffer, counter: number, last: boolean, plain: Buffer, push: (bytes: Buffer) => void): void {
  const cipher = createCipheriv('chacha20-poly1305', key, chunkNonce(counter, last), { authTagLength: TAG });
  const body = cipher.update(plain);
  if (body.length > 0) push(body);
  cipher.final();
  push(cipher.getAuthTag());
}

export function openChunk(key: Buffer, counter: number, last: boolean, sealed: Buffer): Buffer | undefined {
  const decipher = createDecipheriv('chacha20-poly1305', key, chunkNonce(counter, last), { authTagLength: TAG });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  const plain = decipher.update(sealed.subarray(0, sealed.length - TAG));
  try {
    decipher.final();
    return plain;
  } catch {
    return undefined;
  }
}

/** Bytes of an age file sealing `plainBytes` for `recipients` X25519 recipients. */
export function sealedSize(plainBytes: number, recipients: number): number {
  const header = 22 + 98 * recipients + 48; // version line, stanzas (two lines each), MAC line
  return header + PAYLOAD_NONCE + plainBytes + TAG * Math.max(1, Math.ceil(plainBytes / CHUNK));
}

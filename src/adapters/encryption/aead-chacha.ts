/**
 * ChaCha20-Poly1305 (IETF, 12-byte nonce, 16-byte tag) of one whole message on node:crypto,
 * as both formats use it for header packets, stanzas and payload segments.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

export const TAG = 16;

/** Ciphertext followed by its tag, written into one new buffer. */
export function sealChaCha(key: Buffer, nonce: Buffer, plain: Buffer): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  const head = cipher.update(plain);
  const tail = cipher.final();
  return Buffer.concat([head, tail, cipher.getAuthTag()], plain.length + TAG);
}

/** The plaintext, or undefined when the tag does not verify (wrong key or altered bytes). */
export function openChaCha(key: Buffer, nonce: Buffer, sealed: Buffer): Buffer | undefined {
  if (sealed.length < TAG) return undefined;
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  const head = decipher.update(sealed.subarray(0, sealed.length - TAG));
  try {
    const tail = decipher.final();
    return tail.length > 0 ? Buffer.concat([head, tail]) : head;
  } catch {
    return undefined;
  }
}

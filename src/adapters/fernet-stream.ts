/**
 * Streaming Fernet encryption: a bundle of any size becomes one standard Fernet token with
 * flat memory. AES-CBC and HMAC-SHA256 are incremental; base64 is emitted in multiples of
 * 3 bytes, carrying 0–2 bytes between chunks; the HMAC is appended at the end. Output is
 * byte-identical to fernetEncrypt() for the same time and IV.
 */
import { createCipheriv, createHmac, randomBytes, type Cipher, type Hmac } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { fernetHeader, toBase64Url, type FernetKey } from './fernet.js';

class FernetEncryptStream extends Transform {
  readonly #cipher: Cipher;
  readonly #hmac: Hmac;
  #header: Buffer | null;
  #carry: Buffer = Buffer.alloc(0);

  constructor(key: FernetKey, now: number, iv: Buffer) {
    super();
    this.#cipher = createCipheriv('aes-128-cbc', key.encryptionKey, iv);
    this.#hmac = createHmac('sha256', key.signingKey);
    this.#header = fernetHeader(now, iv);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#emit(this.#cipher.update(chunk), false);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.#emit(this.#cipher.final(), false);
    this.#emit(Buffer.alloc(0), true);
    callback();
  }

  /** Feeds authenticated bytes to the HMAC and pushes their base64, keeping alignment. */
  #emit(ciphertext: Buffer, last: boolean): void {
    const parts: Buffer[] = [this.#carry];
    if (this.#header) {
      this.#hmac.update(this.#header);
      parts.push(this.#header);
      this.#header = null;
    }
    this.#hmac.update(ciphertext);
    parts.push(ciphertext);
    if (last) parts.push(this.#hmac.digest());
    const pending: Buffer = Buffer.concat(parts);
    const ready = last ? pending.length : pending.length - (pending.length % 3);
    // Whole 3-byte groups need no padding, so Node's fast 'base64url' is exact; only the
    // final piece takes Python's '=' padding.
    if (ready > 0) this.push(last ? toBase64Url(pending.subarray(0, ready)) : pending.subarray(0, ready).toString('base64url'), 'latin1');
    this.#carry = pending.subarray(ready);
  }
}

export function createFernetEncryptStream(key: FernetKey, options: { now?: number; iv?: Buffer } = {}): Transform {
  return new FernetEncryptStream(key, options.now ?? Math.floor(Date.now() / 1000), options.iv ?? randomBytes(16));
}

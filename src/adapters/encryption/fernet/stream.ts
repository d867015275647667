/**
 * Streaming Fernet encryption: a bundle of any size becomes one standard Fernet token with
 * flat memory. AES-CBC and HMAC-SHA256 are incremental; base64 is emitted for whole 3-byte
 * groups, carrying 0–2 bytes between chunks; the HMAC is appended at the end. Output is
 * byte-identical to fernetEncrypt() for the same time and IV.
 */
import { createCipheriv, createHmac, randomBytes, type Cipher, type Hmac } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { fernetHeader, toBase64Url, type FernetKey } from './fernet.js';
import { Base64UrlEncoder } from './base64.js';

class FernetEncryptStream extends Transform {
  readonly #cipher: Cipher;
  readonly #hmac: Hmac;
  readonly #base64 = new Base64UrlEncoder();

  constructor(key: FernetKey, now: number, iv: Buffer) {
    super();
    this.#cipher = createCipheriv('aes-128-cbc', key.encryptionKey, iv);
    this.#hmac = createHmac('sha256', key.signingKey);
    this.#authenticate(fernetHeader(now, iv));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#authenticate(this.#cipher.update(chunk));
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.#authenticate(this.#cipher.final());
    // Only the last piece takes Python's '=' padding.
    this.push(toBase64Url(Buffer.concat([this.#base64.rest(), this.#hmac.digest()])), 'latin1');
    callback();
  }

  /** Feeds bytes to the HMAC and pushes their base64 (whole groups only). */
  #authenticate(bytes: Buffer): void {
    this.#hmac.update(bytes);
    const text = this.#base64.encode(bytes);
    if (text.length > 0) this.push(text);
  }
}

export function createFernetEncryptStream(key: FernetKey, options: { now?: number; iv?: Buffer } = {}): Transform {
  return new FernetEncryptStream(key, options.now ?? Math.floor(Date.now() / 1000), options.iv ?? randomBytes(16));
}

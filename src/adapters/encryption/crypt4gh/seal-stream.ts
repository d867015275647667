/**
 * Streaming Crypt4GH sealing with flat memory: the header goes out first, then every full
 * 64 KiB segment as soon as it is complete; the rest at the end. The writer key is ephemeral
 * (made per file and forgotten), so the exporter holds nothing that opens what it wrote.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { generateX25519SecretKey } from '../x25519-raw.js';
import { writeHeader } from './header.js';
import { NONCE, SEGMENT } from './segments.js';

class Crypt4ghSealStream extends Transform {
  readonly #sessionKey = randomBytes(32);
  readonly #staged = Buffer.alloc(SEGMENT);
  #filled = 0;

  constructor(recipients: readonly Buffer[]) {
    super();
    if (recipients.length === 0) throw new Error('Crypt4GH sealing needs at least one recipient');
    this.push(writeHeader(generateX25519SecretKey(), recipients, this.#sessionKey));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let at = 0;
    // Whole segments straight from the chunk, without copying, when nothing is staged.
    while (this.#filled === 0 && chunk.length - at >= SEGMENT) {
      this.#seal(chunk.subarray(at, at + SEGMENT));
      at += SEGMENT;
    }
    while (at < chunk.length) {
      const n = chunk.copy(this.#staged, this.#filled, at);
      this.#filled += n;
      at += n;
      if (this.#filled === SEGMENT) {
        this.#seal(this.#staged);
        this.#filled = 0;
      }
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.#filled > 0) this.#seal(this.#staged.subarray(0, this.#filled));
    callback();
  }

  #seal(plain: Buffer): void {
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv('chacha20-poly1305', this.#sessionKey, nonce, { authTagLength: 16 });
    this.push(nonce);
    this.push(cipher.update(plain));
    cipher.final();
    this.push(cipher.getAuthTag());
  }
}

/** A Transform that turns plaintext into a Crypt4GH v1 file for the given raw X25519 public keys. */
export function createCrypt4ghSealStream(recipients: readonly Buffer[]): Transform {
  return new Crypt4ghSealStream(recipients);
}

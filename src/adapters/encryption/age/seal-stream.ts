/**
 * Streaming age sealing with flat memory. A full chunk is held until more input shows it is
 * not the last (STREAM flags the last chunk), so at most 64 KiB is staged.
 */
import { randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { writeHeader } from './header.js';
import { CHUNK, PAYLOAD_NONCE, payloadKey, sealChunk } from './payload.js';

class AgeSealStream extends Transform {
  readonly #key: Buffer;
  readonly #staged = Buffer.alloc(CHUNK);
  #filled = 0;
  #counter = 0;
  readonly #push = (bytes: Buffer): void => void this.push(bytes);

  constructor(recipients: readonly Buffer[]) {
    super();
    if (recipients.length === 0) throw new Error('age sealing needs at least one recipient');
    const fileKey = randomBytes(16);
    const nonce = randomBytes(PAYLOAD_NONCE);
    this.#key = payloadKey(fileKey, nonce);
    this.push(writeHeader(fileKey, recipients));
    this.push(nonce);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.#filled === CHUNK) {
        sealChunk(this.#key, this.#counter++, false, this.#staged, this.#push);
        this.#filled = 0;
      }
      // Chunks with more input behind them go straight from the caller's buffer.
      if (this.#filled === 0 && chunk.length - at > CHUNK) {
        sealChunk(this.#key, this.#counter++, false, chunk.subarray(at, at + CHUNK), this.#push);
        at += CHUNK;
        continue;
      }
      const n = chunk.copy(this.#staged, this.#filled, at);
      this.#filled += n;
      at += n;
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    sealChunk(this.#key, this.#counter, true, this.#staged.subarray(0, this.#filled), this.#push);
    callback();
  }
}

/** A Transform that turns plaintext into an age v1 file for the given raw X25519 public keys. */
export function createAgeSealStream(recipients: readonly Buffer[]): Transform {
  return new AgeSealStream(recipients);
}

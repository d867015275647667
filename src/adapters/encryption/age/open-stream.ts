/**
 * Streaming age opening with flat memory: the header is read into a bounded buffer and its
 * MAC verified, then every chunk is verified as it completes. A full chunk is held until more
 * input shows it is not the last, so a file cut at a chunk boundary is refused (STREAM's last
 * flag). Plaintext is emitted as it verifies: the caller keeps it only if the stream ends
 * without error.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { refusedFile } from '../codec-problems.js';
import type { X25519SecretKey } from '../x25519-raw.js';
import { openHeader } from './header.js';
import { CHUNK, openChunk, PAYLOAD_NONCE, payloadKey, TAG } from './payload.js';

const SEALED = CHUNK + TAG;

class AgeOpenStream extends Transform {
  readonly #identities: readonly X25519SecretKey[];
  #held: Buffer = Buffer.alloc(0);
  #fileKey: Buffer | undefined;
  #key: Buffer | undefined;
  #counter = 0;

  constructor(identities: readonly X25519SecretKey[]) {
    super();
    this.#identities = identities;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#held = this.#held.length > 0 ? Buffer.concat([this.#held, chunk]) : chunk;
      if (!this.#key) this.#readHeader();
      if (this.#key) {
        let at = 0;
        while (this.#held.length - at > SEALED) {
          this.#open(this.#held.subarray(at, at + SEALED), false);
          at += SEALED;
        }
        this.#held = at > 0 ? Buffer.from(this.#held.subarray(at)) : this.#held;
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (!this.#key) throw refusedFile('age', this.#fileKey ? 'the file ends before its payload nonce' : 'the file ends inside its header');
      if (this.#held.length < TAG) throw refusedFile('age', `the file ends inside chunk ${this.#counter} (truncated)`);
      if (this.#held.length === TAG && this.#counter > 0) throw refusedFile('age', 'the last chunk is empty, which only an empty file may have');
      this.#open(this.#held, true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  #readHeader(): void {
    if (!this.#fileKey) {
      const header = openHeader(this.#held, this.#identities);
      if (!header) return;
      this.#fileKey = header.fileKey;
      this.#held = this.#held.subarray(header.length);
    }
    if (this.#held.length < PAYLOAD_NONCE) return;
    this.#key = payloadKey(this.#fileKey, this.#held.subarray(0, PAYLOAD_NONCE));
    this.#held = this.#held.subarray(PAYLOAD_NONCE);
  }

  #open(sealed: Buffer, last: boolean): void {
    const plain = openChunk(this.#key!, this.#counter, last, sealed);
    if (!plain) throw refusedFile('age', `chunk ${this.#counter} fails its MAC (altered, or the file was cut short)`);
    this.#counter++;
    if (plain.length > 0) this.push(plain);
  }
}

/** A Transform that turns an age v1 file into its plaintext for any of `identities`, verifying every chunk. */
export function createAgeOpenStream(identities: readonly X25519SecretKey[]): Transform {
  if (identities.length === 0) throw new Error('age opening needs at least one identity');
  return new AgeOpenStream(identities);
}

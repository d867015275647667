/**
 * Streaming Crypt4GH opening with flat memory. The header is read into a bounded buffer, the
 * reader's packets opened, then each segment verified and decrypted as it completes; a segment
 * that fails its MAC under every session key stops the stream with a refusal. Plaintext is
 * emitted as it verifies: the caller writes to a temporary file and keeps it only when the
 * stream ends without error. Like the reference, a file cut exactly at a segment boundary
 * cannot be told from a shorter one (Crypt4GH v1 has no end marker).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { openChaCha } from '../aead-chacha.js';
import { refusedFile } from '../codec-problems.js';
import type { X25519SecretKey } from '../x25519-raw.js';
import { EditList } from './edit-list.js';
import { openPackets, PREAMBLE, readPreamble } from './header.js';
import { NONCE, SEGMENT, SEGMENT_OVERHEAD } from './segments.js';

const MAX_PACKETS = 256; // with MAX_PACKET, bounds the header buffer at 16 MiB
const MAX_PACKET = 64 * 1024;
const FULL = SEGMENT + SEGMENT_OVERHEAD;

export interface Crypt4ghOpenOptions {
  /** Raw public key the header packets must have been written with (crypt4gh --sender_pk). */
  sender?: Buffer;
}

class Crypt4ghOpenStream extends Transform {
  readonly #reader: X25519SecretKey;
  readonly #sender: Buffer | undefined;
  #held: Buffer = Buffer.alloc(0);
  #packetsLeft = -1;
  readonly #packets: Buffer[] = [];
  #sessionKeys: Buffer[] | undefined;
  #editList: EditList | undefined;
  #segment = 0;

  constructor(reader: X25519SecretKey, options: Crypt4ghOpenOptions) {
    super();
    this.#reader = reader;
    this.#sender = options.sender;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#held = this.#held.length > 0 ? Buffer.concat([this.#held, chunk]) : chunk;
      if (!this.#sessionKeys) this.#readHeader();
      if (this.#sessionKeys) {
        let at = 0;
        while (this.#held.length - at >= FULL) {
          this.#open(this.#held.subarray(at, at + FULL));
          at += FULL;
        }
        // Copy the rest so the caller's chunk is not kept alive; it is under one segment.
        this.#held = at > 0 ? Buffer.from(this.#held.subarray(at)) : this.#held;
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (!this.#sessionKeys) throw refusedFile('Crypt4GH', 'the file ends inside its header');
      if (this.#held.length > 0) {
        // The reference requires more than nonce and MAC: an empty segment is never written.
        if (this.#held.length <= SEGMENT_OVERHEAD) throw refusedFile('Crypt4GH', `segment ${this.#segment} is truncated (${this.#held.length} bytes)`);
        this.#open(this.#held);
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  #readHeader(): void {
    if (this.#packetsLeft < 0) {
      if (this.#held.length < PREAMBLE) return;
      this.#packetsLeft = readPreamble(this.#held);
      if (this.#packetsLeft === 0 || this.#packetsLeft > MAX_PACKETS) throw refusedFile('Crypt4GH', `the header declares ${this.#packetsLeft} packets`);
      this.#held = this.#held.subarray(PREAMBLE);
    }
    while (this.#packetsLeft > 0 && this.#held.length >= 4) {
      const length = this.#held.readUInt32LE(0);
      if (length < 8 || length > MAX_PACKET) throw refusedFile('Crypt4GH', `a header packet declares ${length} bytes`);
      if (this.#held.length < length) return;
      this.#packets.push(Buffer.from(this.#held.subarray(0, length)));
      this.#held = this.#held.subarray(length);
      this.#packetsLeft--;
    }
    if (this.#packetsLeft > 0) return;
    const found = openPackets(this.#packets, this.#reader, this.#sender);
    this.#sessionKeys = found.sessionKeys;
    if (found.editList) this.#editList = new EditList(found.editList);
  }

  #open(segment: Buffer): void {
    const nonce = segment.subarray(0, NONCE);
    const sealed = segment.subarray(NONCE);
    for (const key of this.#sessionKeys!) {
      const plain = openChaCha(key, nonce, sealed);
      if (!plain) continue;
      this.#segment++;
      for (const part of this.#editList ? this.#editList.select(plain) : [plain]) this.push(part);
      return;
    }
    throw refusedFile('Crypt4GH', `segment ${this.#segment} fails its MAC (altered or truncated)`);
  }
}

/** A Transform that turns a Crypt4GH v1 file into its plaintext for `reader`, verifying every segment. */
export function createCrypt4ghOpenStream(reader: X25519SecretKey, options: Crypt4ghOpenOptions = {}): Transform {
  return new Crypt4ghOpenStream(reader, options);
}

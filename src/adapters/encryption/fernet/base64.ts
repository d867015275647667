/**
 * Incremental url-safe base64 for the Fernet stream encoder, written straight into a Buffer.
 * Node's encoder is fast on pieces up to a few tens of KiB, but a large chunk makes a string
 * too big for V8's young generation, and encoding a 256 KiB chunk in one call then costs about
 * as much as the AES-CBC encryption itself. So each chunk is encoded in pieces of at most SLICE bytes, each
 * copied into one output Buffer. Output is exactly Node's 'base64url' (no padding) for whole
 * 3-byte groups; 0-2 trailing bytes are carried to the next call.
 */
const SLICE = 48 * 1024; // a multiple of 3: its 64 KiB of text stay an ordinary young string

export class Base64UrlEncoder {
  #held: Buffer = Buffer.alloc(0); // 0-2 bytes not yet encoded

  /** The characters for all whole 3-byte groups of the held bytes and `bytes`, as latin1 bytes. */
  encode(bytes: Buffer): Buffer {
    const total = this.#held.length + bytes.length;
    const out = Buffer.allocUnsafe(((total - (total % 3)) / 3) * 4);
    let read = 0;
    let written = 0;
    if (this.#held.length > 0) {
      // Complete the held group with the first bytes of this chunk, if there are enough.
      read = Math.min(3 - this.#held.length, bytes.length);
      const group = Buffer.concat([this.#held, bytes.subarray(0, read)]);
      if (group.length < 3) {
        this.#held = group;
        return out;
      }
      written = out.write(group.toString('base64url'), 0, 'latin1');
    }
    const whole = read + (bytes.length - read) - ((bytes.length - read) % 3);
    for (; read < whole; read += SLICE) {
      written += out.write(bytes.toString('base64url', read, Math.min(read + SLICE, whole)), written, 'latin1');
    }
    this.#held = Buffer.from(bytes.subarray(whole));
    return out;
  }

  /** The bytes still held (0-2), handed back for the final, padded piece. */
  rest(): Buffer {
    const rest = this.#held;
    this.#held = Buffer.alloc(0);
    return rest;
  }
}

/**
 * A pass-through stream that counts and hashes what flows through it, so the applier learns a
 * bundle's and a token's size and sha256 without holding either in memory.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export class ByteMeter extends Transform {
  #bytes = 0;
  readonly #hash: Hash = createHash('sha256');
  #digest: string | undefined;

  constructor(private readonly onBytes?: (total: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#bytes += chunk.length;
    this.#hash.update(chunk);
    this.onBytes?.(this.#bytes);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#digest = this.#hash.digest('hex');
    callback();
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** sha256 hex; only after the stream has ended. */
  get sha256(): string {
    if (this.#digest === undefined) throw new Error('ByteMeter read before the stream ended');
    return this.#digest;
  }
}

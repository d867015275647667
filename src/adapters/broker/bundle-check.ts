/**
 * A bundle must be a complete zip before it is encrypted and uploaded. Checked while it streams,
 * never buffered whole and never read twice: the Content-Type at the headers (a proxy's
 * `200 text/html` page stops there), the first bytes, the length against Content-Length, and at
 * the end the zip's end record and central directory against the bytes seen
 * (bundle-zip-structure.ts). A failure errors the stream, so nothing incomplete gets a final name.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { ZIP_TAIL_BYTES, zipHeadProblem, zipTailProblem } from './bundle-zip-structure.js';

/**
 * What the broker sends for an export (docs/broker-protocol.md §6.2), and what proxies relabel a
 * binary as.
 */
const ZIP_TYPES = new Set(['application/zip', 'application/x-zip-compressed', 'application/x-zip', 'application/octet-stream']);

/**
 * Why a Content-Type cannot be a bundle, or undefined. No Content-Type at all is let through:
 * HTTP allows it, and the zip checks on the bytes decide.
 */
export function bundleTypeProblem(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (ZIP_TYPES.has(type)) return undefined;
  const shown = type.replace(/[^\w.+/-]/g, '?').slice(0, 60) || '(empty)';
  const page = type === 'text/html' ? ' (a web page: a proxy, a login or an error page)' : '';
  return `the answer is ${shown}${page}, not application/zip`;
}

export type BundleFailure = (kind: 'protocol' | 'network', why: string) => Error;

export class BundleCheck extends Transform {
  bytes = 0;
  #head = Buffer.alloc(0);
  #tail: Buffer[] = [];
  #tailBytes = 0;

  constructor(
    private readonly expected: number | undefined,
    private readonly failure: BundleFailure,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expected !== undefined && this.bytes > this.expected) return callback(this.failure('protocol', `the body is longer than the announced ${this.expected} bytes`));
    if (this.#head.length < 4) {
      this.#head = Buffer.concat([this.#head, chunk.subarray(0, 4 - this.#head.length)]);
      const wrong = this.#head.length === 4 ? zipHeadProblem(this.#head) : undefined;
      if (wrong) return callback(this.failure('protocol', wrong));
    }
    this.#keep(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expected !== undefined && this.bytes !== this.expected) return callback(this.failure('network', `body truncated: ${this.bytes} of ${this.expected} bytes`));
    const tail = Buffer.concat(this.#tail);
    const wrong = zipTailProblem(tail.subarray(Math.max(0, tail.length - ZIP_TAIL_BYTES)), this.bytes);
    callback(wrong ? this.failure('protocol', `${wrong} (${this.bytes} bytes received)`) : null);
  }

  /** Keeps at least the last ZIP_TAIL_BYTES in whole chunks: no copy per chunk. */
  #keep(chunk: Buffer): void {
    this.#tail.push(chunk);
    this.#tailBytes += chunk.length;
    while (this.#tailBytes - this.#tail[0]!.length >= ZIP_TAIL_BYTES) this.#tailBytes -= this.#tail.shift()!.length;
  }
}

/**
 * A streamed broker body (a bundle download) handed to the caller chunk by chunk, never
 * buffered whole. It fails with BROKER_NETWORK when the body ends short of Content-Length or
 * the connection breaks, and when the broker sends nothing for the read timeout while the
 * consumer is waiting for data. Time the consumer itself holds the stream back (backpressure
 * from a slow upload) is not the broker's silence and never counts.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { networkProblem } from './broker-response.js';

export function guardBody(request: ClientRequest, response: IncomingMessage, options: { expected?: number; timeoutMs: number; endpoint: string; about: string }): Transform {
  const guard = new BodyGuard(options.expected, (why) => networkProblem(options.endpoint, options.about, why));
  // The socket's own idle timer cannot tell silence from backpressure: replace it.
  request.setTimeout(0);
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (response.isPaused() || guard.writableNeedDrain) return arm(); // we are the slow side
      guard.destroy(networkProblem(options.endpoint, options.about, Object.assign(new Error(`no data for ${options.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    }, options.timeoutMs);
  };
  arm();
  response.on('data', arm);
  const cut = (cause?: Error) => {
    const received = `${guard.bytes}${options.expected === undefined ? '' : ` of ${options.expected}`} bytes`;
    const error = new Error(`connection closed after ${received}${cause ? ` (${cause.message})` : ''}`, { cause });
    guard.destroy(networkProblem(options.endpoint, options.about, Object.assign(error, { code: (cause as { code?: string } | undefined)?.code })));
  };
  response.on('error', (error) => cut(error));
  response.on('close', () => {
    clearTimeout(timer);
    if (!response.complete) cut();
  });
  guard.on('close', () => {
    clearTimeout(timer);
    if (!response.complete) request.destroy(); // the consumer gave up: free the socket
  });
  return response.pipe(guard);
}

class BodyGuard extends Transform {
  bytes = 0;

  constructor(
    private readonly expected: number | undefined,
    private readonly failure: (why: Error) => Error,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expected !== undefined && this.bytes > this.expected) return callback(this.failure(new Error(`more than the announced ${this.expected} bytes`)));
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expected !== undefined && this.bytes !== this.expected) return callback(this.failure(new Error(`body truncated: ${this.bytes} of ${this.expected} bytes`)));
    callback();
  }
}

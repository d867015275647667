/**
 * A streamed broker body (a bundle download) handed to the caller chunk by chunk, never
 * buffered whole. It errors, always as a ProblemError naming the call, when the connection breaks
 * or the body ends short of Content-Length (BROKER_NETWORK), when the broker is too slow by the
 * rules of pace.ts (BROKER_NETWORK), and when the body is not a complete zip
 * (BROKER_PROTOCOL, bundle-check.ts). Time the consumer itself holds the stream back
 * (backpressure from a slow upload) is not the broker's slowness and never counts.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { BundleCheck } from './bundle-check.js';
import { Pace } from './pace.js';
import { networkProblem, protocolProblem } from './response.js';

export function guardBody(request: ClientRequest, response: IncomingMessage, options: { expected?: number; timeoutMs: number; endpoint: string; about: string }): Transform {
  const { endpoint, about } = options;
  const timedOut = (why: string) => networkProblem(endpoint, about, Object.assign(new Error(why), { code: 'ETIMEDOUT' }));
  const guard = new BundleCheck(options.expected, (kind, why) => (kind === 'protocol' ? protocolProblem(endpoint, about, why) : networkProblem(endpoint, about, new Error(why))));
  // The socket's own idle timer cannot tell silence from backpressure: the pace replaces it.
  request.setTimeout(0);
  const pace = new Pace(options.timeoutMs);
  const ticker = setInterval(() => {
    const slow = pace.verdict();
    if (slow) guard.destroy(timedOut(slow));
  }, Math.max(20, Math.min(1000, options.timeoutMs / 4)));
  ticker.unref();
  response.pipe(guard);
  // After pipe's own 'data' listener has written the chunk: a full guard means the consumer holds back.
  response.on('data', (chunk: Buffer) => {
    pace.received(chunk.length);
    if (guard.writableNeedDrain) pace.hold();
  });
  guard.on('drain', () => pace.want());
  response.on('end', () => clearInterval(ticker));
  const cut = (cause?: Error) => {
    const received = `${guard.bytes}${options.expected === undefined ? '' : ` of ${options.expected}`} bytes`;
    const error = new Error(`connection closed after ${received}${cause ? ` (${cause.message})` : ''}`, { cause });
    guard.destroy(networkProblem(endpoint, about, Object.assign(error, { code: (cause as { code?: string } | undefined)?.code })));
  };
  response.on('error', (error) => cut(error));
  response.on('close', () => {
    clearInterval(ticker);
    if (!response.complete) cut();
  });
  guard.on('close', () => {
    clearInterval(ticker);
    if (!response.complete) request.destroy(); // the consumer gave up or a check failed: free the socket
  });
  return guard;
}

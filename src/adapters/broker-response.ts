/**
 * Reading broker answers strictly: bodies checked against Content-Length and a size cap, and
 * every failure turned into a problem that names the endpoint and never the API key.
 * Network failures and 5xx answers are retryable; 4xx answers are not.
 */
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { ProblemError, problem } from '../core/problem.js';

/** Fails the stream when the body ends before Content-Length bytes arrived. */
export class LengthCheck extends Transform {
  #seen = 0;
  constructor(
    private readonly expected: number | undefined,
    private readonly endpoint: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.length;
    callback(null, chunk);
  }
  override _flush(callback: TransformCallback): void {
    if (this.expected !== undefined && this.#seen !== this.expected) {
      return callback(networkProblem(this.endpoint, 'a bundle', new Error(`body truncated: ${this.#seen} of ${this.expected} bytes`)));
    }
    callback();
  }
}

export function readBody(response: IncomingMessage, cap: number, endpoint: string, about: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const expected = response.headers['content-length'] === undefined ? undefined : Number(response.headers['content-length']);
    response.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > cap) {
        response.destroy();
        reject(protocol(endpoint, `the answer is larger than ${cap} bytes`));
      } else chunks.push(chunk);
    });
    response.on('aborted', () => reject(networkProblem(endpoint, about, new Error('connection closed before the answer was complete'))));
    response.on('error', (error) => reject(networkProblem(endpoint, about, error)));
    response.on('end', () => {
      if (expected !== undefined && length !== expected) reject(networkProblem(endpoint, about, new Error(`body truncated: ${length} of ${expected} bytes`)));
      else resolve(Buffer.concat(chunks));
    });
  });
}

export function isRetryable(error: unknown): boolean {
  return error instanceof ProblemError && (error.code === 'BROKER_NETWORK' || (error.code === 'BROKER_HTTP' && /HTTP 5\d\d/.test(error.message)));
}

export function statusProblem(endpoint: string, about: string, status: number): ProblemError {
  if (status === 401 || status === 403) {
    return new ProblemError(problem('BROKER_AUTH', `The broker refused ${about}: HTTP ${status} on ${endpoint}`, 'The API key was not accepted as an admin key.', 'Check [BROKER] API_KEY: it must belong to a DN with OU=admin.'));
  }
  return new ProblemError(
    problem('BROKER_HTTP', `The broker answered HTTP ${status} to ${endpoint}`, `While reading ${about}.`, status >= 500 ? 'The broker failed; it was retried. Try again later or check the broker log.' : 'Check [BROKER] URL (broker ≥ 1.3.3).'),
  );
}

export function networkProblem(endpoint: string, about: string, error: unknown): ProblemError {
  const e = error as Error & { code?: string };
  return new ProblemError(
    problem('BROKER_NETWORK', `No complete answer from the broker to ${endpoint}`, `While reading ${about}: ${e.code ?? ''} ${e.message}`.trim(), 'Check [BROKER] URL and TIMEOUT and that the broker is reachable.'),
    { cause: error },
  );
}

export function protocol(endpoint: string, why: string): ProblemError {
  return new ProblemError(problem('BROKER_PROTOCOL', `Unexpected answer from the broker to ${endpoint}`, `${why}.`));
}

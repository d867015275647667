/**
 * Reading broker answers strictly: bodies checked against Content-Length and a size cap, and
 * every failure turned into a problem that names the endpoint (`METHOD /path`, never the query
 * or the API key) and what was being read. Network failures and 5xx answers are marked
 * retryable; 4xx answers never are.
 */
import type { IncomingMessage } from 'node:http';
import { ProblemError, problem } from '../../core/problem.js';

const retryable = new WeakSet<ProblemError>();

export function isRetryable(error: unknown): boolean {
  return error instanceof ProblemError && retryable.has(error);
}

export function markRetryable(error: ProblemError): ProblemError {
  retryable.add(error);
  return error;
}

/** Reads a whole (small) body; fails above `cap` bytes or when it ends short of Content-Length. */
export function readBody(response: IncomingMessage, cap: number, endpoint: string, about: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const expected = contentLength(response);
    if (expected !== undefined && expected > cap) {
      response.destroy();
      return reject(protocolProblem(endpoint, about, `the answer announces ${expected} bytes, more than the ${cap} accepted`));
    }
    response.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > cap) {
        response.destroy();
        reject(protocolProblem(endpoint, about, `the answer is larger than ${cap} bytes`));
      } else chunks.push(chunk);
    });
    const cut = (cause?: Error) => {
      const received = `${length}${expected === undefined ? '' : ` of ${expected}`} bytes`;
      const timedOut = (cause as { code?: string } | undefined)?.code === 'ETIMEDOUT';
      const error = new Error(timedOut ? `${cause!.message}, after ${received}` : `connection closed after ${received}${cause ? ` (${cause.message})` : ''}`, { cause });
      reject(networkProblem(endpoint, about, Object.assign(error, { code: (cause as { code?: string } | undefined)?.code })));
    };
    response.on('error', (error) => cut(error));
    response.on('close', () => {
      if (!response.complete) cut();
    });
    response.on('end', () => {
      if (expected !== undefined && length !== expected) reject(networkProblem(endpoint, about, new Error(`body truncated: ${length} of ${expected} bytes`)));
      else resolve(Buffer.concat(chunks));
    });
  });
}

export function contentLength(response: IncomingMessage): number | undefined {
  const header = response.headers['content-length'];
  return header === undefined || !/^\d+$/.test(header) ? undefined : Number(header);
}

export function statusProblem(endpoint: string, about: string, status: number): ProblemError {
  if (status === 401 || status === 403) {
    return new ProblemError(
      problem(
        'BROKER_AUTH',
        `The broker refused ${about}: HTTP ${status} on ${endpoint}`,
        'The API key was not accepted as an admin key (a node key, an unknown or a deactivated key gets 401).',
        'Check [BROKER] API_KEY: it must belong to a DN with OU=admin in the broker\'s api-keys.properties.',
      ),
    );
  }
  const error = new ProblemError(
    problem(
      'BROKER_HTTP',
      `The broker answered HTTP ${status} to ${endpoint}`,
      `While reading ${about}: expected HTTP 200.`,
      status >= 500 ? 'The broker failed (retried). Try again later or check the broker log.' : 'Check [BROKER] URL: it must point at an AKTIN Broker ≥ 1.3.3.',
    ),
  );
  if (status >= 500) retryable.add(error);
  return error;
}

/** TLS verification failures: the same on every attempt, so never retried. */
const CERTIFICATE_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ALTNAME/;

export function networkProblem(endpoint: string, about: string, cause: unknown): ProblemError {
  const e = cause as Error & { code?: string };
  const certificate = CERTIFICATE_ERROR.test(e.code ?? '');
  const error = new ProblemError(
    problem(
      'BROKER_NETWORK',
      certificate ? `The broker's TLS certificate is not trusted (${endpoint})` : `No complete answer from the broker to ${endpoint}`,
      `While reading ${about}: ${[e.code, e.message].filter(Boolean).join(' ')}.`,
      certificate
        ? 'Set REQUESTS_CA_BUNDLE to a PEM file with the CA that signed the broker\'s certificate, and check that [BROKER] URL names a host the certificate is for.'
        : 'Check [BROKER] URL and TIMEOUT, and that the broker is reachable.',
    ),
    { cause },
  );
  if (!certificate) retryable.add(error);
  return error;
}

export function protocolProblem(endpoint: string, about: string, why: string): ProblemError {
  return new ProblemError(
    problem('BROKER_PROTOCOL', `Unexpected answer from the broker to ${endpoint}`, `While reading ${about}: ${why}.`, 'Check that [BROKER] URL points at an AKTIN Broker ≥ 1.3.3.'),
  );
}

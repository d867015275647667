/**
 * An https:// broker URL aimed at a plain-HTTP port: OpenSSL reports the HTTP text it got for its
 * ClientHello as "wrong version number". Said in words instead, and never retried (the port
 * answers the same way every time).
 */
import { ProblemError, problem } from '../../core/problem.js';

/** What OpenSSL says when the other side answers a ClientHello with plain-HTTP text. */
export function isPlainHttpAnswer(base: URL, error: Error & { code?: string }): boolean {
  return base.protocol === 'https:' && /wrong version number|packet length too long|http request/i.test(error.message) && (error.code === 'EPROTO' || /^ERR_SSL_/.test(error.code ?? ''));
}

export function plainHttpProblem(host: string, endpoint: string, about: string, cause: unknown): ProblemError {
  return new ProblemError(
    problem(
      'BROKER_NETWORK',
      `The server at https://${host} answered in plain HTTP; use http:// or check the port`,
      `While reading ${about} (${endpoint}): the TLS handshake got an HTTP answer instead.`,
      'Check [BROKER] URL: http:// for a broker without TLS, or the port the broker serves HTTPS on.',
    ),
    { cause },
  );
}

/**
 * A broker that refuses the TCP connection (ECONNREFUSED) or whose host name does not resolve
 * (ENOTFOUND): nothing was sent, so "no complete answer" would send the operator looking at
 * timeouts. Said as what it is, naming host:port and what to check. A refusal is still retried
 * (a broker restarting refuses for a few seconds); an unknown host name is not.
 */
import { ProblemError, problem } from '../../core/problem.js';
import { markRetryable } from './response.js';

/** `host:port` of a broker URL, with the scheme's default port spelt out. */
export function hostPortOf(base: URL): string {
  return `${base.hostname}:${base.port || (base.protocol === 'https:' ? '443' : '80')}`;
}

/** The problem for a connection that never opened, or undefined for any other network failure. */
export function unopenedProblem(base: URL, endpoint: string, about: string, cause: Error & { code?: string }): ProblemError | undefined {
  const at = hostPortOf(base);
  if (cause.code === 'ECONNREFUSED') {
    return markRetryable(
      new ProblemError(
        problem(
          'BROKER_NETWORK',
          `The broker at ${at} refused the connection (${endpoint})`,
          `While reading ${about}: nothing listens on ${at} (ECONNREFUSED).`,
          `Check that the broker is running and listening on ${at}, and that [BROKER] URL names its host and port.`,
        ),
        { cause },
      ),
    );
  }
  if (cause.code === 'ENOTFOUND') {
    return new ProblemError(
      problem(
        'BROKER_NETWORK',
        `The broker's host name ${base.hostname} does not resolve (${endpoint})`,
        `While reading ${about}: DNS has no address for ${base.hostname} (ENOTFOUND).`,
        'Check the host name in [BROKER] URL, and the DNS settings of this machine.',
      ),
      { cause },
    );
  }
  return undefined;
}

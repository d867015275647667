/**
 * Opening one SSH connection and one SFTP session with ssh2: password or private key, a deadline
 * of `[SFTP] TIMEOUT` per attempt, a keep-alive that notices a stall within about TIMEOUT, no
 * Nagle, and a host-key check that is always on.
 * A connection dropped before the SSH session is up (a full MaxStartups, a blocklist, a reset) is
 * tried again a few times with backoff and jitter; a refused login or host key never is. A server
 * with several host keys shows another one when asked for other algorithms: with bare fingerprint
 * pins we ask again before refusing. Every failure is a problem naming user@host:port and the
 * reason in words — never a secret.
 */
import type { Socket } from 'node:net';
import type { ConnectConfig, ServerHostKeyAlgorithm, SFTPWrapper } from 'ssh2';
import { backoffDelay, EQUAL_JITTER } from '../../core/backoff.js';
import type { SftpConfig } from '../../core/config.js';
import { hostKeyProblem, type PresentedKey } from './host-key-problem.js';
import { anotherKeyMayBeTrusted, hostKeyAlgorithms, hostKeyFingerprintOf, hostKeyTrust, keyTypeOf, knownKeyTypes, verifyHostKey, type HostKeyVerdict } from './host-key.js';
import { connectProblem, readKnownHosts, readPrivateKey } from './connect-problem.js';
import { attemptSftp, type SshClient } from './ssh-attempt.js';

export type { SshClient } from './ssh-attempt.js';

/** Retry policy for connections dropped before the session is up; tests pass a faster one. */
export interface ConnectRetry {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Ceiling of the wait before the second attempt, doubled each time; half of it drawn at random (core/backoff.ts). */
  readonly backoffMs: number;
  readonly random?: () => number;
}

export const DEFAULT_RETRY: ConnectRetry = { attempts: 3, backoffMs: 500 };
const MAX_WAIT_MS = 60_000;

export interface SftpConnection {
  readonly conn: SshClient;
  readonly sftp: SFTPWrapper;
  /** The TCP socket ssh2 writes to (ours: see ssh-attempt.ts), for batching writes. */
  readonly socket: Socket;
  /** Why the connection was lost after it was up (e.g. no keep-alive answer), in words; undefined while it is up. */
  lostReason(): string | undefined;
}

export async function connectSftp(config: SftpConfig, retry: ConnectRetry = DEFAULT_RETRY): Promise<SftpConnection> {
  const trust = hostKeyTrust({ ...config, ...(config.knownHosts ? { knownHostsText: await readKnownHosts(config.knownHosts) } : {}) });
  const credentials: ConnectConfig = {
    username: config.username,
    ...(config.password ? { password: config.password.reveal() } : {}),
    ...(config.privateKey ? { privateKey: await readPrivateKey(config.privateKey) } : {}),
    ...(config.privateKeyPassphrase ? { passphrase: config.privateKeyPassphrase.reveal() } : {}),
  };
  const presented: PresentedKey[] = [];
  let verdict: Exclude<HostKeyVerdict, 'trusted'> = 'unknown';
  let dropped = 0;
  for (;;) {
    const tried = presented.map((k) => k.type);
    const outcome = await attemptSftp(config.host, config.port, config.timeoutSeconds, {
      ...credentials,
      ...keepAliveFor(config.timeoutSeconds),
      algorithms: { serverHostKey: hostKeyAlgorithms(trust, tried) as ServerHostKeyAlgorithm[] },
      hostVerifier: (key: Buffer) => {
        const seen = verifyHostKey(trust, key);
        if (seen !== 'trusted') {
          verdict = seen;
          presented.push({ type: keyTypeOf(key), fingerprint: hostKeyFingerprintOf(key) });
        }
        return seen === 'trusted';
      },
    });
    if (outcome.ok) return connectionOf(outcome.conn, outcome.sftp, outcome.socket, config.timeoutSeconds);
    const failure = outcome.failure;
    const refusedKey = failure.kind === 'host-key' || (failure.kind === 'no-host-key-type' && presented.length > 0);
    if (refusedKey) {
      const types = presented.map((k) => k.type);
      // Each retry leaves out one more key type; a blob without a type (or seen twice) ends it.
      const progressed = types.every((type, i) => type !== '' && types.indexOf(type) === i);
      if (failure.kind === 'host-key' && progressed && anotherKeyMayBeTrusted(trust, verdict, types)) continue;
      throw hostKeyProblem(config, verdict, presented, knownKeyTypes(trust));
    }
    const beforeSession = failure.phase === 'tcp' || failure.phase === 'banner' || failure.phase === 'handshake';
    if (failure.kind === 'dropped' && beforeSession && ++dropped < retry.attempts) {
      await sleep(backoffDelay(dropped - 1, { firstMs: retry.backoffMs, maxMs: MAX_WAIT_MS, jitter: EQUAL_JITTER }, (retry.random ?? Math.random)()));
      continue;
    }
    throw connectProblem(config, failure, dropped + (failure.kind === 'dropped' && beforeSession ? 0 : 1));
  }
}

/**
 * ssh2 pings every interval and gives up after countMax pings without an answer, so a stall is
 * noticed after (countMax + 1) × interval: three intervals of TIMEOUT / 3 ≈ TIMEOUT.
 */
export function keepAliveFor(timeoutSeconds: number): { keepaliveInterval: number; keepaliveCountMax: number } {
  return { keepaliveInterval: Math.max(500, Math.round((timeoutSeconds * 1000) / 3)), keepaliveCountMax: 2 };
}

function connectionOf(conn: SshClient, sftp: SFTPWrapper, socket: Socket, timeoutSeconds: number): SftpConnection {
  let lost: string | undefined;
  conn.on('error', (error: Error & { level?: string; code?: string }) => {
    lost ??= /Keepalive timeout/i.test(error.message) ? `no answer to keep-alive within about ${timeoutSeconds} s` : error.code === 'ECONNRESET' ? 'connection reset' : error.message;
  });
  conn.once('close', () => (lost ??= 'the server closed the connection'));
  return { conn, sftp, socket, lostReason: () => lost };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * One attempt at an SSH connection with an SFTP session, as a promise that settles exactly once:
 * on the SFTP session, or on the first of error / close / end / our own deadline, whatever ssh2
 * does (it can close without an error during the handshake). ssh2 gets a socket we opened, so we
 * know how far the attempt got (TCP, banner, key exchange, login, subsystem) and can say so.
 * An 'error' listener stays on the connection for its whole life: a late error never crashes.
 * Failures are described in words here; connect.ts decides on retries and problems.
 */
import { Socket } from 'node:net';
import ssh2, { type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { classify, closedReason, STALLED, type FailureKind, type Phase } from './ssh-failure-reason.js';

export type { FailureKind, Phase } from './ssh-failure-reason.js';

const { Client } = ssh2;
export type SshClient = InstanceType<typeof Client>;

export interface AttemptFailure {
  readonly kind: FailureKind;
  readonly phase: Phase;
  /** Words for people, without a secret: "the server closed the connection before the SSH handshake". */
  readonly reason: string;
  readonly cause?: unknown;
}

export type AttemptOutcome = { readonly ok: true; readonly conn: SshClient; readonly sftp: SFTPWrapper; readonly socket: Socket } | { readonly ok: false; readonly failure: AttemptFailure };

/** `ssh` carries everything but host, port and sock (those come from here). */
export function attemptSftp(host: string, port: number, timeoutSeconds: number, ssh: Omit<ConnectConfig, 'host' | 'port' | 'sock'>): Promise<AttemptOutcome> {
  return new Promise<AttemptOutcome>((resolve) => {
    const conn = new Client();
    // Never removed: errors after we settled (or after ready) must not become uncaught events.
    conn.on('error', () => undefined);
    const socket = new Socket();
    socket.setNoDelay(true);
    let phase: Phase = 'tcp';
    let first = Buffer.alloc(0);
    let settled = false;
    const settle = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!outcome.ok) socket.destroy();
      resolve(outcome);
    };
    const fail = (kind: FailureKind, reason: string, cause?: unknown) => settle({ ok: false, failure: { kind, phase: current(), reason, cause } });
    // The banner phase ends with the first byte from the server; the socket counts them for us.
    const current = (): Phase => (phase === 'banner' && socket.bytesRead > 0 ? 'handshake' : phase);

    const timer = setTimeout(() => fail('timeout', `no answer within ${timeoutSeconds} s: ${STALLED[current()]}`), timeoutSeconds * 1000);
    socket.once('connect', () => (phase = 'banner'));
    conn.once('handshake', () => (phase = 'login'));
    conn.once('ready', () => {
      phase = 'sftp';
      conn.sftp((error, sftp) => {
        if (!error) return settle({ ok: true, conn, sftp, socket });
        if (/Unable to start subsystem/i.test(error.message)) fail('subsystem', 'the server refused the SFTP subsystem', error);
        else fail('dropped', closedReason(current()), error);
      });
    });
    conn.on('error', (error: Error & { level?: string; code?: string }) => {
      const [kind, reason] = classify(error, current(), first);
      fail(kind, reason, error);
    });
    conn.once('end', () => fail('dropped', closedReason(current())));
    conn.once('close', () => fail('dropped', closedReason(current())));

    try {
      // Connecting first: ssh2 then waits for the socket's 'connect' before it speaks.
      socket.connect({ host, port });
      conn.connect({ ...ssh, sock: socket, readyTimeout: 0 });
      // After ssh2 paused the socket, so this listener does not start the flow early: the first
      // bytes tell a server that is not SSH at all from a cut in the middle of the banner.
      const peek = (chunk: Buffer) => {
        first = Buffer.concat([first, chunk]).subarray(0, 4);
        if (first.length >= 4) socket.off('data', peek);
      };
      socket.on('data', peek);
    } catch (error) {
      // ssh2 parses the private key synchronously and throws on a bad one or a wrong passphrase.
      fail('private-key', 'the private key could not be parsed or decrypted', error);
    }
  });
}

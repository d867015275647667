/**
 * The words for how an SSH connection attempt ended, from ssh2's error (or its silence) and how
 * far the attempt had got: "the server closed the connection before the SSH handshake",
 * "connection reset during login", "no answer within 5 s: …". Also which kind of failure it is,
 * for the retry decision in connect.ts. ssh2's messages carry no secrets.
 */
/** How far an attempt got before it failed. */
export type Phase = 'tcp' | 'banner' | 'handshake' | 'login' | 'sftp';

export type FailureKind = 'dropped' | 'not-ssh' | 'timeout' | 'refused' | 'dns' | 'auth' | 'private-key' | 'host-key' | 'no-host-key-type' | 'subsystem' | 'protocol';

const SSH = Buffer.from('SSH-');

export const STALLED: Record<Phase, string> = {
  tcp: 'the TCP connection was not established',
  banner: 'the server accepted the TCP connection but sent no SSH banner',
  handshake: 'the SSH handshake did not complete',
  login: 'the server did not answer the login',
  sftp: 'the SFTP session did not start',
};

export function closedReason(phase: Phase): string {
  if (phase === 'tcp' || phase === 'banner') return 'the server closed the connection before the SSH handshake';
  if (phase === 'handshake') return 'the server closed the connection during the SSH handshake';
  if (phase === 'login') return 'the server closed the connection during login';
  return 'the server closed the connection before the SFTP session started';
}

function resetReason(phase: Phase): string {
  const when = phase === 'tcp' || phase === 'banner' ? 'before the SSH handshake' : phase === 'handshake' ? 'during the SSH handshake' : phase === 'login' ? 'during login' : 'before the SFTP session started';
  return `connection reset ${when}`;
}

/** `first`: the first bytes the server sent (up to 4), to tell a non-SSH server from a cut banner. */
export function classify(error: Error & { level?: string; code?: string }, phase: Phase, first: Buffer): [FailureKind, string] {
  if (/Connection lost before handshake/.test(error.message) && first.length >= 4 && !first.subarray(0, 4).equals(SSH)) {
    return ['not-ssh', 'the server closed the connection without an SSH banner: what it sent is not SSH (is this the SSH port?)'];
  }
  if (error.level === 'client-authentication') return ['auth', 'the server refused the credentials'];
  if (error.code === 'ECONNREFUSED') return ['refused', 'the connection was refused (nothing listens on that port)'];
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return ['dns', 'the host name does not resolve'];
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return ['dropped', resetReason(phase)];
  if (error.code === 'ETIMEDOUT' || error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH') return ['timeout', `the host cannot be reached (${error.code})`];
  if (/Connection lost before handshake/.test(error.message)) return ['dropped', closedReason(phase)];
  if (/Host denied/.test(error.message)) return ['host-key', 'the host key was refused'];
  if (/no matching host key/i.test(error.message)) return ['no-host-key-type', 'the server offers none of the host key types asked for'];
  if (/passphrase|private key|privateKey/i.test(error.message)) return ['private-key', 'the private key could not be parsed or decrypted'];
  if (error.level === 'client-socket') return ['dropped', `${closedReason(phase)} (${error.code ?? 'socket error'})`];
  return ['protocol', `the SSH ${phase === 'login' ? 'login' : 'handshake'} failed: ${error.message}`];
}

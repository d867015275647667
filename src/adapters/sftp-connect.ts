/**
 * Opening one SSH connection and one SFTP session with ssh2: password or private key, a
 * connect timeout, keepalive, no Nagle, and a host-key check that is always on.
 * ssh2's own errors are mapped to problems that name user, host and port — never a secret.
 */
import { readFile } from 'node:fs/promises';
import ssh2, { type ConnectConfig, type SFTPWrapper } from 'ssh2';
import type { SftpConfig } from '../core/config.js';
import { ProblemError, problem } from '../core/problem.js';
import { fingerprintOfDigest, hostKeyProblem, verifyHostKey } from './host-key.js';

const { Client } = ssh2;
export type SshClient = InstanceType<typeof Client>;

export async function connectSftp(config: SftpConfig): Promise<{ conn: SshClient; sftp: SFTPWrapper }> {
  const trust = { ...config, ...(config.knownHosts ? { knownHostsText: await readKnownHosts(config.knownHosts) } : {}) };
  const conn = new Client();
  let refusal: ProblemError | undefined;
  const options: ConnectConfig = {
    host: config.host,
    port: config.port,
    username: config.username,
    readyTimeout: config.timeoutSeconds * 1000,
    keepaliveInterval: 10_000,
    keepaliveCountMax: 3,
    // Always both: without hostVerifier ssh2 accepts any key; hostHash makes it pass the SHA-256 as hex.
    hostHash: 'sha256',
    hostVerifier: (digestHex: string) => {
      const verdict = verifyHostKey(trust, digestHex);
      if (verdict !== 'trusted') refusal = hostKeyProblem(config, verdict, fingerprintOfDigest(Buffer.from(digestHex, 'hex')));
      return verdict === 'trusted';
    },
    ...(config.password ? { password: config.password.reveal() } : {}),
    ...(config.privateKey ? { privateKey: await readPrivateKey(config.privateKey) } : {}),
    ...(config.privateKeyPassphrase ? { passphrase: config.privateKeyPassphrase.reveal() } : {}),
  };
  try {
    await new Promise<void>((resolve, reject) => {
      conn.once('ready', resolve);
      conn.once('error', reject);
      conn.connect(options);
    });
    conn.setNoDelay(true);
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) => conn.sftp((error, s) => (error ? reject(error) : resolve(s))));
    // A late error (connection lost) must not crash the process; operations see it themselves.
    conn.on('error', () => undefined);
    return { conn, sftp };
  } catch (error) {
    conn.end();
    throw refusal ?? connectProblem(config, error);
  }
}

async function readKnownHosts(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ProblemError(problem('CONFIG_INVALID', `Cannot read the known_hosts file ${path}`, (error as NodeJS.ErrnoException).code ?? 'unknown error', 'Check [SFTP] KNOWN_HOSTS, or pin the key with HOST_KEY_FINGERPRINTS instead.'), { cause: error });
  }
}

async function readPrivateKey(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new ProblemError(problem('CONFIG_INVALID', `Cannot read the SSH private key ${path}`, (error as NodeJS.ErrnoException).code ?? 'unknown error', 'Check [SFTP] PRIVATE_KEY.'), { cause: error });
  }
}

function connectProblem(config: SftpConfig, error: unknown): ProblemError {
  const where = `${config.username}@${config.host}:${config.port}`;
  const e = error as Error & { level?: string; code?: string };
  if (e.level === 'client-authentication') {
    return new ProblemError(
      problem('SFTP_AUTH', `SFTP login as ${where} failed`, `The server refused the ${config.privateKey ? 'private key' : 'password'}.`, 'Check [SFTP] USERNAME and PASSWORD (or PRIVATE_KEY).'),
      { cause: error },
    );
  }
  if (/passphrase|private key|Cannot parse privateKey/i.test(e.message)) {
    return new ProblemError(problem('SFTP_AUTH', `Cannot use the SSH private key ${config.privateKey}`, 'It could not be parsed or decrypted.', 'Check [SFTP] PRIVATE_KEY and PRIVATE_KEY_PASSPHRASE.'), { cause: error });
  }
  const why =
    e.level === 'client-timeout'
      ? `no SSH handshake within ${config.timeoutSeconds} s`
      : e.code === 'ECONNREFUSED'
        ? 'the connection was refused (nothing listens on that port)'
        : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN'
          ? 'the host name does not resolve'
          : e.message.includes('No response from server')
            ? 'the server refused the SFTP subsystem'
            : (e.code ?? 'the connection failed');
  return new ProblemError(
    problem('SFTP_CONNECTION', `Cannot connect to the SFTP server ${where}`, `${why}.`, 'Check [SFTP] HOST, PORT and TIMEOUT, and that the server is reachable.'),
    { cause: error },
  );
}

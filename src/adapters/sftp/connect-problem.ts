/**
 * What a failed connection attempt means for people: REMOTE_AUTH for a refused login or an unusable
 * private key, REMOTE_CONNECTION with the reason in words and what to check for everything else
 * (the titles name SFTP and user@host:port: the codes are the remote's neutral ones), and
 * CONFIG_INVALID for a known_hosts or key file that cannot be read. Names user@host:port and
 * files, never a secret.
 */
import { readFile } from 'node:fs/promises';
import type { SftpConfig } from '../../core/config.js';
import { ProblemError, problem } from '../../core/problem.js';
import type { AttemptFailure } from './ssh-attempt.js';

export function connectProblem(config: SftpConfig, failure: AttemptFailure, attempts: number): ProblemError {
  const where = `${config.username}@${config.host}:${config.port}`;
  const cause = failure.cause === undefined ? undefined : { cause: failure.cause };
  if (failure.kind === 'auth') {
    return new ProblemError(problem('REMOTE_AUTH', `SFTP login as ${where} failed`, `The server refused the ${config.privateKey ? 'private key' : 'password'}.`, 'Check [SFTP] USERNAME and PASSWORD (or PRIVATE_KEY).'), cause);
  }
  if (failure.kind === 'private-key') {
    return new ProblemError(problem('REMOTE_AUTH', `Cannot use the SSH private key ${config.privateKey}`, 'It could not be parsed or decrypted.', 'Check [SFTP] PRIVATE_KEY and PRIVATE_KEY_PASSPHRASE.'), cause);
  }
  const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
  const hint =
    failure.kind === 'dropped' && attempts > 1
      ? 'The server dropped every attempt before the SSH session was up: it may be limiting connections (sshd MaxStartups) or blocking this address; ask its administrator. Check [SFTP] HOST and PORT.'
      : failure.kind === 'timeout'
        ? 'Check [SFTP] HOST and PORT, that the server is reachable and an SSH server answers there, or raise [SFTP] TIMEOUT.'
        : 'Check [SFTP] HOST, PORT and TIMEOUT, and that the server is reachable.';
  return new ProblemError(problem('REMOTE_CONNECTION', `Cannot connect to the SFTP server ${where}`, `${capitalise(failure.reason)}${tries}.`, hint), cause);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export async function readKnownHosts(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ProblemError(problem('CONFIG_INVALID', `Cannot read the known_hosts file ${path}`, (error as NodeJS.ErrnoException).code ?? 'unknown error', 'Check [SFTP] KNOWN_HOSTS, or pin the key with HOST_KEY_FINGERPRINTS instead.'), { cause: error });
  }
}

export async function readPrivateKey(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new ProblemError(problem('CONFIG_INVALID', `Cannot read the SSH private key ${path}`, (error as NodeJS.ErrnoException).code ?? 'unknown error', 'Check [SFTP] PRIVATE_KEY.'), { cause: error });
  }
}

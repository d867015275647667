/**
 * SFTP status codes and a lost connection, turned into the remote's neutral problems
 * (REMOTE_IO, REMOTE_NO_SUCH_PATH, REMOTE_PERMISSION, REMOTE_CONNECTION) whose detail names the
 * protocol, server and path: the applier branches on the code and never learns it was SFTP.
 * Never includes a password, passphrase or key: only host, port, user and path.
 */
import type { SftpConfig } from '../../core/config.js';
import { ProblemError, problem } from '../../core/problem.js';

const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;

type RemoteCode = 'REMOTE_IO' | 'REMOTE_NO_SUCH_PATH' | 'REMOTE_PERMISSION' | 'REMOTE_CONNECTION';

/** Operations whose NO_SUCH_FILE means the folder itself is missing. */
const FOLDER_OPERATIONS = new Set(['list', 'create']);

export function sftpProblem(config: SftpConfig, folder: string, operation: string, path: string, error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  const code = (error as { code?: unknown }).code;
  const where = `${config.host}:${path}`;
  if (code === NO_SUCH_FILE) {
    const missingFolder = FOLDER_OPERATIONS.has(operation);
    return remoteProblem(
      config,
      'REMOTE_NO_SUCH_PATH',
      missingFolder ? `The remote folder ${folder} does not exist on ${config.host}` : `${where} does not exist`,
      path,
      missingFolder ? 'aktin-sftp never creates it: create it on the server, or fix [SFTP] FOLDERNAME.' : undefined,
      error,
    );
  }
  if (code === PERMISSION_DENIED) {
    return remoteProblem(config, 'REMOTE_PERMISSION', `Permission denied: cannot ${operation} ${where}`, path, `Check that ${config.username} may write to ${folder} on the server.`, error);
  }
  // The server's own status message ("Out of disk space", "Illegal seek") is what an operator can act on.
  const hint = operation === 'write' ? 'Check free space, quotas and file-size limits on the SFTP server, then apply again.' : undefined;
  return remoteProblem(config, 'REMOTE_IO', `SFTP ${operation} of ${where} failed: ${(error as Error).message}`, path, hint, error);
}

export function lostConnectionProblem(config: SftpConfig, operation: string, path: string, error: unknown): ProblemError {
  return remoteProblem(
    config,
    'REMOTE_CONNECTION',
    `The connection to ${config.host} was lost during ${operation} of ${path}`,
    path,
    'Apply again: finished actions are recorded, the rest is redone.',
    error,
  );
}

export function remoteProblem(config: SftpConfig, code: RemoteCode, title: string, path: string, hint?: string, cause?: unknown): ProblemError {
  return new ProblemError(problem(code, title, `SFTP server ${config.username}@${config.host}:${config.port}, path ${path}.`, hint), cause === undefined ? undefined : { cause });
}

export function isNoSuchFile(error: unknown): boolean {
  return error instanceof ProblemError ? error.code === 'REMOTE_NO_SUCH_PATH' : (error as { code?: unknown }).code === NO_SUCH_FILE;
}

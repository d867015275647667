/**
 * The problem for a config file that cannot be read: missing (exit 64, "not found": pass it with
 * -c), or there but not readable by the running user ("permission denied", naming the user and
 * the `chown`/`chmod` the recipes use for a service user), or anything else the system said.
 */
import { ProblemError, problem } from '../../core/problem.js';
import { runningUser } from '../files/index.js';

export function configReadProblem(path: string, error: unknown): ProblemError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    const user = runningUser();
    return new ProblemError(
      problem(
        'CONFIG_INVALID',
        `Configuration file ${path}: permission denied`,
        `aktin-sftp runs as ${user.name} (uid ${user.uid}), which may not read ${path} or search a folder on its path.`,
        `Let ${user.name} read it, as docs/recipes/README.md lays out a service's files: ` +
          `'chown root:${user.groupName} ${path} && chmod 640 ${path}' (and 'chmod 750' with the same group for its folder), ` +
          'or run aktin-sftp as a user that may read it.',
      ),
      { cause: error },
    );
  }
  const found = code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a directory' : `it cannot be read (${code})`;
  return new ProblemError(
    problem(
      code === 'ENOENT' || code === 'EISDIR' ? 'CONFIG_NOT_FOUND' : 'CONFIG_INVALID',
      code === 'ENOENT' || code === 'EISDIR' ? `Configuration file ${path} not found` : `Configuration file ${path} cannot be read`,
      `aktin-sftp reads its settings from ${path}, but ${found}.`,
      'Pass the file with -c FILE (or set AKTIN_SFTP_CONFIG); the original tool\'s settings.toml works as it is. See docs/configuration.md.',
    ),
    { cause: error },
  );
}

/** Placeholder until the command lands; replaced by its owner. */
import { ProblemError, problem } from '../../core/problem.js';
import type { CliCommand } from '../command.js';

export const forceUnlockCommand: CliCommand = {
  command: 'force-unlock',
  describe: '(not yet available)',
  builder: (y) => y,
  run: async () => {
    throw new ProblemError(problem('USAGE', 'force-unlock is not available yet'));
  },
};

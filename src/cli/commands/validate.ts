/** Placeholder until the command lands; replaced by its owner. */
import { ProblemError, problem } from '../../core/problem.js';
import type { CliCommand } from '../command.js';

export const validateCommand: CliCommand = {
  command: 'validate',
  describe: '(not yet available)',
  builder: (y) => y,
  run: async () => {
    throw new ProblemError(problem('USAGE', 'validate is not available yet'));
  },
};

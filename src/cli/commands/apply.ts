/** Placeholder until the command lands; replaced by its owner. */
import { ProblemError, problem } from '../../core/problem.js';
import type { CliCommand } from '../command.js';

export const applyCommand: CliCommand = {
  command: 'apply',
  describe: '(not yet available)',
  builder: (y) => y,
  run: async () => {
    throw new ProblemError(problem('USAGE', 'apply is not available yet'));
  },
};

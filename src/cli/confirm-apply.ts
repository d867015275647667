/**
 * The approval of a plan-and-apply run: --auto-approve, or Terraform's prompt on a terminal
 * (only 'yes' approves). Without a terminal and without --auto-approve nothing is applied.
 */
import { renderCommandLine, type RunOptions } from '../core/command-line.js';
import { ProblemError, problem } from '../core/problem.js';
import type { CliIo } from './io.js';

export async function confirmApply(autoApprove: boolean, io: CliIo, run: RunOptions): Promise<boolean> {
  if (autoApprove) return true;
  if (!io.confirm) {
    throw new ProblemError(
      problem(
        'CONFIRMATION_REQUIRED',
        'apply needs a confirmation, and there is no terminal to ask',
        'Without a plan file, apply shows the plan and asks before changing anything.',
        `Save a plan with '${renderCommandLine(['plan', '-o', 'PLANFILE'], run)}' and run '${renderCommandLine(['apply', 'PLANFILE'], run)}', or pass --auto-approve (for cron).`,
      ),
    );
  }
  return io.confirm('\nDo you want to perform these actions?\n  Only \'yes\' will be accepted to approve.\n\n  Enter a value: ');
}

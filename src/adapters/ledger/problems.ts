/**
 * What the ledger store reports when status.xml or its journal cannot be used. Details give
 * the file, line, column and reason only, never the file's content (it may not be a ledger at
 * all: a symlink to another file, or a key pasted in by mistake).
 */
import { ProblemError, problem } from '../../core/problem.js';
import type { JournalBase } from './journal-format.js';

export function corruptProblem(path: string, why: string, cause?: unknown): ProblemError {
  return new ProblemError(
    problem(
      'LEDGER_CORRUPT',
      `The ledger ${path} is not a valid ledger`,
      `${why}\n\nThe ledger records what was uploaded; aktin-sftp will not guess or start afresh, because\nan empty ledger would upload every request again. The previous version is kept in\n${path}.backup.`,
      `Inspect ${path} and fix it by hand, or restore the backup:\n  cp ${path}.backup ${path}\nThen run 'aktin-sftp validate' to check it, and 'aktin-sftp drift' to compare it with the SFTP folder.`,
    ),
    cause === undefined ? undefined : { cause },
  );
}

const ASIDE = (journal: string, ledger: string, suffix: string) =>
  `If ${ledger} is the ledger you want, move the journal aside and compare with the SFTP folder:\n` +
  `  mv ${journal} ${journal}.${suffix}\n  aktin-sftp drift\nThe next apply then uploads again what the ledger does not record.`;

export function damagedJournalProblem(journal: string, ledger: string, line: number, reason: string): ProblemError {
  return new ProblemError(
    problem(
      'LEDGER_CORRUPT',
      `The ledger journal ${journal} is damaged`,
      `${line > 0 ? `line ${line}: ` : ''}${reason}.\n\nThe journal holds the progress an interrupted run recorded since ${ledger} was last\nwritten; aktin-sftp will not guess which of it happened.`,
      ASIDE(journal, ledger, 'damaged'),
    ),
  );
}

export function foreignJournalProblem(journal: string, ledger: string, base: JournalBase | null, now: JournalBase): ProblemError {
  const describe = (b: JournalBase) => (b.sha256 === null ? 'no ledger file' : `serial ${b.serial}${b.lineage ? ` of lineage ${b.lineage}` : ' (written by the original tool)'}`);
  return new ProblemError(
    problem(
      'LEDGER_CORRUPT',
      `The ledger journal ${journal} does not belong to ${ledger}`,
      `The journal continues ${base ? describe(base) : 'another ledger'}, but ${ledger} holds ${describe(now)}:\n${ledger} was replaced, restored or edited after an interrupted run.`,
      `To keep the interrupted run's progress, put back the ledger the journal continues (often\n${ledger}.backup). ${ASIDE(journal, ledger, 'orphaned')}`,
    ),
  );
}

export function changedProblem(path: string): ProblemError {
  return new ProblemError(
    problem(
      'LEDGER_IO',
      `The ledger ${path} changed while this run used it`,
      'Its content is no longer what this run read or wrote: something other than aktin-sftp wrote the file\nalthough the run held the lock beside it.',
      `Find what writes to the working directory and stop it, check the file with 'aktin-sftp validate',\nthen run again: the next plan starts from the ledger as it is then.`,
    ),
  );
}

export function ioProblem(title: string, error: unknown, extra?: string): ProblemError {
  if (error instanceof ProblemError) return error;
  const e = error as NodeJS.ErrnoException;
  return new ProblemError(
    problem('LEDGER_IO', title, `${e.code ?? 'error'}: ${e.message}${extra ? `\n${extra}` : ''}`, 'Check that the working directory exists, is writable and has free space.'),
    { cause: error },
  );
}

/** A file of the ledger in WORKING_DIR is not a plain file of its own (plain-file.ts). */
export function unsafeProblem(path: string, role: string, why: string): ProblemError {
  return new ProblemError(
    problem(
      'LEDGER_UNSAFE',
      `The ${role} ${path} ${why}`,
      'aktin-sftp opens the files of the ledger in the working directory only as plain files of their own:\n' +
        'never through a symbolic link, never a file with a second name (a hard link), never a pipe or a device.\n' +
        'Nothing was read from or written to it, nor to what it points to.',
      `Find out who put it there, then move it aside (for a link this moves the link, not its target):\n  mv ${path} ${path}.unsafe\n` +
        "If it was the ledger you want, put a plain copy of it in its place, then run 'aktin-sftp validate'.",
    ),
  );
}

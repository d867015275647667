/**
 * The drift use case: compares the ledger with one listing of the SFTP folder. Read-only and
 * broker-free, so it can run often (monitoring) without load on the broker. With `checksum` it
 * also streams every owned export of the right size through SHA-256 (a few files at a time,
 * flat memory) and compares it with the token digest the ledger recorded at upload.
 */
import { contentChecks, contentFinding, detectDrift, type ContentCheck, type DriftItem } from '../core/drift.js';
import { ProblemError, problem, type Problem } from '../core/problem.js';
import { runBounded } from '../core/run-bounded.js';
import { observeActual } from './observe.js';
import type { RemoteFolder, World } from './ports.js';

export interface DriftReport {
  readonly items: readonly DriftItem[];
  /** Live ledger entries checked. */
  readonly checked: number;
  /** --checksum: files whose bytes were compared with the recorded digest; null without it. */
  readonly contentChecked: number | null;
  readonly ledgerPath: string;
}

export interface DriftOptions {
  /** Compare the content of the files too: files read at once ([APPLY] CONCURRENCY). */
  readonly checksum?: { readonly concurrency: number };
  /** Aborted on SIGINT/SIGTERM: no further file is read, the run ends INTERRUPTED. */
  readonly signal?: AbortSignal;
}

export async function findDrift(world: World, options: DriftOptions = {}): Promise<DriftReport> {
  const connection = await world.connect();
  try {
    const actual = await observeActual({ remote: connection.remote, ledgerStore: world.ledgerStore });
    const items = detectDrift(actual.ledger, actual.listing);
    let contentChecked: number | null = null;
    if (options.checksum) {
      const { checks, notCheckable } = contentChecks(actual.ledger.ledger, actual.listing);
      items.push(...(await compareContents(connection.remote, checks, options.checksum.concurrency, options.signal)), ...notCheckable);
      contentChecked = checks.length;
    }
    return {
      items,
      checked: actual.ledger.ledger.entries.filter((entry) => entry.deleted === undefined).length,
      contentChecked,
      ledgerPath: actual.ledgerPath,
    };
  } finally {
    await connection.close();
  }
}

async function compareContents(remote: RemoteFolder, checks: readonly ContentCheck[], concurrency: number, signal?: AbortSignal): Promise<DriftItem[]> {
  const findings = new Map<string, DriftItem>();
  const problems: Problem[] = [];
  await runBounded(
    checks,
    concurrency,
    async (check) => {
      try {
        const finding = contentFinding(check, await remote.digest(check.name, signal));
        if (finding) findings.set(check.name, finding);
      } catch (error) {
        if (error instanceof ProblemError) problems.push(...error.problems);
        else throw error;
      }
    },
    () => !signal?.aborted && problems.length === 0,
  );
  if (signal?.aborted) {
    throw new ProblemError(problem('INTERRUPTED', 'drift --checksum was interrupted', 'Not every file was compared; drift never changes anything, so nothing is left to clean up.'));
  }
  if (problems.length > 0) throw new ProblemError(problems);
  // In the order of the checks (the ledger's), however the reads finished.
  return checks.flatMap((check) => findings.get(check.name) ?? []);
}

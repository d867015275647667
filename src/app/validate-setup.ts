/**
 * The validate use case: everything a run needs that can be checked without the network — the
 * key file and the ledger (all problems at once), and who holds the lock.
 */
import { isProblemError, ProblemError, type Problem } from '../core/problem.js';
import type { Encryptor, LedgerSnapshot, LockInfo, World } from './ports.js';

export interface SetupReport {
  /** The key file's scheme and non-secret identity. */
  readonly key: Pick<Encryptor, 'scheme' | 'label' | 'keyId' | 'recipients'>;
  readonly ledger: LedgerSnapshot;
  readonly ledgerPath: string;
  readonly lock: LockInfo | null;
}

export async function validateSetup(world: World): Promise<SetupReport> {
  const problems: Problem[] = [];
  const encryptor = await collect(problems, () => world.loadEncryptor());
  const ledger = await collect(problems, () => world.ledgerStore.read());
  if (problems.length > 0 || !ledger || !encryptor) throw new ProblemError(problems);
  const { scheme, label, keyId, recipients } = encryptor;
  return { key: { scheme, label, keyId, ...(recipients === undefined ? {} : { recipients }) }, ledger, ledgerPath: world.ledgerStore.path, lock: await world.ledgerStore.readLock() };
}

async function collect<T>(problems: Problem[], check: () => Promise<T>): Promise<T | undefined> {
  try {
    return await check();
  } catch (error) {
    if (!isProblemError(error)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

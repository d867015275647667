/**
 * Wrappers that make "plan is read-only" checkable: every port method that could write fails
 * the test, and every call is recorded, so a test can assert exactly what was read.
 */
import { formatLedgerXml } from '../../src/adapters/ledger/xml.js';
import type { LedgerFile, LedgerStore, RemoteFolder } from '../../src/app/ports.js';

export function readOnlyFolder(folder: RemoteFolder, calls: string[]): RemoteFolder {
  const refuse = (method: string) => async (...args: unknown[]): Promise<never> => {
    calls.push(`${method} ${args.filter((a) => typeof a === 'string').join(' ')}`.trim());
    throw new Error(`read-only: ${method} was called`);
  };
  return {
    list: () => (calls.push('list'), folder.list()),
    stat: (name) => (calls.push(`stat ${name}`), folder.stat(name)),
    read: (name, maxBytes) => (calls.push(`read ${name}`), folder.read(name, maxBytes)),
    digest: (name, signal) => (calls.push(`digest ${name}`), folder.digest(name, signal)),
    write: refuse('write'),
    rename: refuse('rename'),
    remove: refuse('remove'),
    close: () => folder.close(),
  };
}

/** The ledger file as a store that refuses every write, lock included. */
export function readOnlyLedgerStore(store: LedgerFile, calls: string[]): LedgerStore {
  const refuse = (what: string) => async (): Promise<never> => {
    calls.push(`ledger ${what}`);
    throw new Error(`read-only: the ledger was ${what === 'write' ? 'written' : what}`);
  };
  return {
    path: store.path,
    format: formatLedgerXml,
    readLock: async () => null,
    lock: refuse('lock'),
    forceUnlock: refuse('forceUnlock'),
    read: () => (calls.push('ledger read'), store.read()),
    bytes: (snapshot) => (calls.push('ledger bytes'), store.bytes(snapshot)),
    write: refuse('write'),
    record: refuse('write'),
    flush: refuse('flush'),
  };
}

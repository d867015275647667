/**
 * Wrappers that make "plan is read-only" checkable: every port method that could write fails
 * the test, and every call is recorded, so a test can assert exactly what was read.
 */
import type { LedgerStore, RemoteFolder } from '../../src/app/ports.js';

export function readOnlyFolder(folder: RemoteFolder, calls: string[]): RemoteFolder {
  const refuse = (method: string) => async (...args: unknown[]): Promise<never> => {
    calls.push(`${method} ${args.filter((a) => typeof a === 'string').join(' ')}`.trim());
    throw new Error(`read-only: ${method} was called`);
  };
  return {
    list: () => (calls.push('list'), folder.list()),
    stat: (name) => (calls.push(`stat ${name}`), folder.stat(name)),
    read: (name, maxBytes) => (calls.push(`read ${name}`), folder.read(name, maxBytes)),
    write: refuse('write'),
    rename: refuse('rename'),
    remove: refuse('remove'),
    close: () => folder.close(),
  };
}

export function readOnlyLedgerStore(store: LedgerStore, calls: string[]): LedgerStore {
  return {
    path: store.path,
    read: () => (calls.push('ledger read'), store.read()),
    write: async () => {
      calls.push('ledger write');
      throw new Error('read-only: the ledger was written');
    },
    flush: async () => {
      calls.push('ledger flush');
      throw new Error('read-only: the ledger was flushed');
    },
  };
}

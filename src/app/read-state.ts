/**
 * Reading the world: the broker's tagged requests (desired state), the ledger and one listing
 * of the SFTP folder (actual state). Read-only by construction: nothing here calls a method
 * that writes to the broker or the SFTP server.
 */
import { createHash } from 'node:crypto';
import type { BrokerSnapshot, RemoteListing } from '../core/model.js';
import { LEDGER_FILE_NAME } from '../core/remote-names.js';
import type { BrokerReader, LedgerSnapshot, LedgerStore, RemoteFolder } from './ports.js';

const MAX_REMOTE_LEDGER = 64 * 1024 * 1024;

export function readDesiredState(broker: BrokerReader, tag: string): Promise<BrokerSnapshot> {
  return broker.readSnapshot(tag);
}

export async function readActualState(
  ledgerStore: LedgerStore,
  remote: RemoteFolder,
): Promise<{ ledger: LedgerSnapshot; listing: RemoteListing }> {
  const [ledger, files] = await Promise.all([ledgerStore.read(), remote.list()]);
  const remoteLedger = files.some((f) => f.name === LEDGER_FILE_NAME) ? await remote.read(LEDGER_FILE_NAME, MAX_REMOTE_LEDGER) : null;
  const listing: RemoteListing = {
    files,
    ...(remoteLedger === null ? {} : { ledgerSha256: createHash('sha256').update(remoteLedger).digest('hex') }),
  };
  return { ledger, listing };
}

/**
 * The composition root: turns a validated Config into the adapters the use cases need.
 * The only place that knows which technology sits behind each port.
 */
import type { BrokerReader, Clock, LedgerStore, RemoteFolder } from '../app/ports.js';
import type { Config } from '../core/config.js';
import { createBrokerReader } from '../adapters/broker-http.js';
import type { FernetKey } from '../adapters/fernet.js';
import { readKeyFile } from '../adapters/key-file.js';
import { createLedgerStore } from '../adapters/ledger-file.js';
import { openRemoteFolder } from '../adapters/sftp-ssh2.js';
import { systemClock } from '../adapters/system-clock.js';

export interface World {
  readonly broker: BrokerReader;
  readonly remote: RemoteFolder;
  readonly ledgerStore: LedgerStore;
  readonly clock: Clock;
  /** The Fernet key, read only for apply. */
  readonly key?: FernetKey;
  readonly warnings: string[];
  close(): Promise<void>;
}

export async function openWorld(config: Config, options: { purpose: 'plan' | 'apply' | 'drift' }): Promise<World> {
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);
  // The key is read before any connection, so a bad key fails fast and touches nothing.
  const key = options.purpose === 'apply' ? await readKeyFile(config.keyFile, warn) : undefined;
  const broker = createBrokerReader({
    broker: config.broker,
    ...(config.caBundle === undefined ? {} : { caBundle: config.caBundle }),
    concurrency: config.apply.concurrency,
  });
  let remote: RemoteFolder;
  try {
    remote = await openRemoteFolder(config.sftp, { onWarning: warn, concurrency: config.apply.concurrency });
  } catch (error) {
    await broker.close();
    throw error;
  }
  return {
    broker,
    remote,
    ledgerStore: createLedgerStore(config.workingDir),
    clock: systemClock,
    ...(key === undefined ? {} : { key }),
    warnings,
    close: async () => {
      await Promise.allSettled([remote.close(), broker.close()]);
    },
  };
}

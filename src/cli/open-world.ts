/**
 * The composition root: the only place that knows which technology sits behind each port.
 * It turns a validated Config into a World for the use cases, and offers the few file tools
 * (configuration, saved plans, keys) that commands need before there is a world.
 * Adapters report warnings into the world's event sink as they happen, so the CLI shows them
 * when they occur (a posix-rename fallback at the first rename, a broker retry at the retry).
 * The broker, SFTP and watch-server adapters are imported when first used: their libraries (ssh2,
 * prom-client) cost more start-up time than the rest of the CLI, and `--version`, `--help`,
 * `validate` or `ledger` need none of them.
 */
import type { BrokerEventSource, Connection, Encryptor, EventSink, LedgerStore, World } from '../app/ports.js';
import { deferredRemote } from '../app/deferred-remote.js';
import { renderCommandLine, type RunOptions } from '../core/command-line.js';
import type { Config, EncryptionConfig } from '../core/config.js';
import { TOOL_VERSION } from '../core/version.js';
import { loadConfig } from '../adapters/config/index.js';
import { ageEncryptor, crypt4ghEncryptor, fernetEncryptor, generateFernetKey, readAgeRecipients, readCrypt4ghRecipients, readKeyFile, writeNewKeyFile } from '../adapters/encryption/index.js';
import {
  checkKeyFitsFile,
  decryptSealedFile,
  detectFileScheme,
  newAgeIdentity,
  readDecryptionKeyFile,
  readPassphraseFile,
  readSenderKeyFile,
  refuseExistingCrypt4ghKeyFiles,
  writeNewAgeIdentity,
  writeNewCrypt4ghKeyPair,
} from '../adapters/encryption/index.js';
import { identifyFile, readMetricsFile, readPlanFile, writeMetricsFile, writePlanFile } from '../adapters/files/index.js';
import { acquireLedgerLock, createLedgerStore, forceUnlock, formatLedgerXml, ledgerFiles, readLedgerLock } from '../adapters/ledger/index.js';
import { newPlanId, systemClock } from '../adapters/system/index.js';
import type { WatchHttp, WatchHttpOptions } from '../adapters/watch-http/index.js';

export { checkKeyFitsFile, decryptSealedFile, detectFileScheme, newAgeIdentity, readDecryptionKeyFile, readPassphraseFile, readSenderKeyFile, refuseExistingCrypt4ghKeyFiles, systemClock, writeNewAgeIdentity, writeNewCrypt4ghKeyPair };
export { generateFernetKey, identifyFile, ledgerFiles, loadConfig, readKeyFile, readMetricsFile, readPlanFile, writeMetricsFile, writeNewKeyFile, writePlanFile };

/** `run`: this run's options, repeated in the commands its messages suggest (force-unlock). */
export function openWorld(config: Config, events: EventSink, run: RunOptions = {}): World {
  const warn = (message: string) => events({ type: 'warning', message });
  return {
    ledgerStore: openLedgerStore(config.workingDir, warn, run),
    clock: systemClock,
    newPlanId,
    events,
    loadEncryptor: () => loadEncryptor(config, warn),
    connect: () => connect(config, events, warn),
  };
}

/** The configured scheme's key, read and checked as an apply would (plan checks it early). */
export function loadEncryptorFor(config: Config, warn: (message: string) => void): Promise<Encryptor> {
  return loadEncryptor(config, warn);
}

/** One case per scheme of EncryptionConfig: the scheme's key file or recipients become the Encryptor port. */
async function loadEncryptor(config: Config, warn: (message: string) => void): Promise<Encryptor> {
  const encryption: EncryptionConfig = config.encryption;
  switch (encryption.kind) {
    case 'fernet':
      return fernetEncryptor(await readKeyFile(encryption.keyFile, warn));
    case 'age':
      return ageEncryptor(await readAgeRecipients(encryption, config.source));
    case 'crypt4gh':
      return crypt4ghEncryptor(await readCrypt4ghRecipients(encryption, config.source));
  }
}

export async function startWatchHttp(options: WatchHttpOptions): Promise<WatchHttp> {
  return (await import('../adapters/watch-http/index.js')).startWatchHttp(options);
}

async function connect(config: Config, events: EventSink, warn: (message: string) => void): Promise<Connection> {
  const { createBrokerReader } = await import('../adapters/broker/index.js');
  const broker = createBrokerReader({
    broker: config.broker,
    ...(config.caBundle === undefined ? {} : { caBundle: config.caBundle }),
    concurrency: config.broker.concurrency,
    onEvent: events,
  });
  // Not awaited: the broker is asked while ssh2 loads (~60 ms) and the SSH handshake runs (app/deferred-remote.ts).
  const remote = deferredRemote(import('../adapters/sftp/index.js').then(({ openRemoteFolder }) => openRemoteFolder(config.remote, { onWarning: warn })));
  return {
    broker,
    remote,
    close: async () => {
      await Promise.allSettled([remote.close(), broker.close()]);
    },
  };
}

/** The ledger file, its journal and its lock in WORKING_DIR, as one store. */
export function openLedgerStore(workingDir: string, warn: (message: string) => void, run: RunOptions = {}): LedgerStore {
  const unlockCommand = (lockId: string) => renderCommandLine(['force-unlock', lockId], run);
  return {
    ...createLedgerStore(workingDir),
    format: formatLedgerXml,
    lock: (operation) => acquireLedgerLock(workingDir, operation, { now: systemClock.now(), toolVersion: TOOL_VERSION, onWarning: warn, unlockCommand }),
    readLock: () => readLedgerLock(workingDir),
    forceUnlock: (lockId) => forceUnlock(workingDir, lockId),
  };
}

/** The broker's admin websocket, for `watch`: Bearer on the upgrade, the REST client's CA bundle. */
export async function openBrokerEvents(config: Config): Promise<BrokerEventSource> {
  const { WebsocketBrokerEvents } = await import('../adapters/broker/index.js');
  return new WebsocketBrokerEvents({ broker: config.broker, ...(config.caBundle === undefined ? {} : { caBundle: config.caBundle }) });
}

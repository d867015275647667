/**
 * A World of real adapters for use-case tests: the ledger file and its lock in a temporary
 * folder, a broker reader and a remote folder the test opened (and closes itself: the
 * connection a use case closes is a view of them), real Fernet. Only the clock is fixed.
 */
import { createFernetEncryptStream } from '../../src/adapters/fernet-stream.js';
import type { FernetKey } from '../../src/adapters/fernet.js';
import { createLedgerStore } from '../../src/adapters/ledger-file.js';
import { acquireLedgerLock, forceUnlock, readLedgerLock } from '../../src/adapters/ledger-lock.js';
import { formatLedgerXml } from '../../src/adapters/ledger-xml.js';
import type { AppEvent, BrokerReader, Clock, RemoteFolder, World } from '../../src/app/ports.js';
import type { PlanIdentity } from '../../src/core/plan-freshness.js';
import { FIXED_NOW } from './builders.js';

export const FIXED_CLOCK: Clock = { now: () => FIXED_NOW };

export interface TestWorldParts {
  readonly broker: BrokerReader;
  readonly remote: RemoteFolder;
  readonly workingDir: string;
  readonly key?: FernetKey;
  readonly events?: (event: AppEvent) => void;
  readonly newPlanId?: () => string;
}

let counter = 0;
const sequentialPlanId = () => `0a1b2c${(counter++ % 256).toString(16).padStart(2, '0')}-0000-4000-8000-000000000000`;

export function testWorld(parts: TestWorldParts): World {
  const { workingDir } = parts;
  return {
    ledgerStore: {
      ...createLedgerStore(workingDir),
      format: formatLedgerXml,
      lock: (operation) => acquireLedgerLock(workingDir, operation, { now: FIXED_NOW, toolVersion: 'test' }),
      readLock: () => readLedgerLock(workingDir),
      forceUnlock: (id) => forceUnlock(workingDir, id),
    },
    clock: FIXED_CLOCK,
    newPlanId: parts.newPlanId ?? sequentialPlanId,
    events: parts.events ?? (() => undefined),
    loadEncryptor: async () => {
      const { key } = parts;
      if (!key) throw new Error('this test world has no key');
      return () => createFernetEncryptStream(key);
    },
    connect: async () => ({ broker: parts.broker, remote: parts.remote, close: async () => undefined }),
  };
}

export function identityFor(folder: string): PlanIdentity {
  return { tag: 'rki', folder, configSha256: 'c'.repeat(64) };
}

/**
 * A World of real adapters for use-case tests: the ledger store of the composition root in a
 * temporary folder, a broker reader and a remote folder the test opened (and closes itself: the
 * connection a use case closes is a view of them), real Fernet. Only the clock is fixed.
 */
import { fernetEncryptor } from '../../src/adapters/encryption/fernet/encryptor.js';
import type { FernetKey } from '../../src/adapters/encryption/fernet/fernet.js';
import type { AppEvent, BrokerReader, Clock, Encryptor, RemoteFolder, World } from '../../src/app/ports.js';
import { openLedgerStore } from '../../src/cli/open-world.js';
import type { PlanIdentity } from '../../src/core/plan-freshness.js';
import { FIXED_NOW } from './builders.js';

export const FIXED_CLOCK: Clock = { now: () => FIXED_NOW };

export interface TestWorldParts {
  readonly broker: BrokerReader;
  readonly remote: RemoteFolder;
  readonly workingDir: string;
  readonly key?: FernetKey;
  /** Another scheme at the port instead of Fernet with `key`. */
  readonly encryptor?: Encryptor;
  readonly events?: (event: AppEvent) => void;
  readonly newPlanId?: () => string;
}

let counter = 0;
const sequentialPlanId = () => `0a1b2c${(counter++ % 256).toString(16).padStart(2, '0')}-0000-4000-8000-000000000000`;

export function testWorld(parts: TestWorldParts): World {
  const { workingDir } = parts;
  return {
    ledgerStore: openLedgerStore(workingDir, (message) => parts.events?.({ type: 'warning', message })),
    clock: FIXED_CLOCK,
    newPlanId: parts.newPlanId ?? sequentialPlanId,
    events: parts.events ?? (() => undefined),
    loadEncryptor: async () => {
      const { key } = parts;
      if (parts.encryptor) return parts.encryptor;
      if (!key) throw new Error('this test world has no key');
      return fernetEncryptor(key);
    },
    connect: async () => ({ broker: parts.broker, remote: parts.remote, close: async () => undefined }),
  };
}

export function identityFor(folder: string): PlanIdentity {
  return { tag: 'rki', remote: `sftp://127.0.0.1/${folder}`, folder, configSha256: 'c'.repeat(64) };
}

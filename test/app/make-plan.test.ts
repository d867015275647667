/**
 * The plan use case over the real parts (broker emulator, in-process SFTP server, ledger file),
 * with a fixed clock and plan id: read-only, concurrent reads, the planner's refusal surfaced.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createBrokerReader } from '../../src/adapters/broker/http.js';
import { createLedgerStore } from '../../src/adapters/ledger/file.js';
import { openRemoteFolder } from '../../src/adapters/sftp/ssh2.js';
import { makePlan } from '../../src/app/make-plan.js';
import type { BrokerReader, RemoteFolder, World } from '../../src/app/ports.js';
import { Secret } from '../../src/core/secret.js';
import { BrokerDriver } from '../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../integration/broker-emulator/index.js';
import { startLocalSftpServer, type LocalSftpServer } from '../../integration/local-sftp-server.js';
import { hex, NO_LIMITS, PLAN_UUID } from '../support/builders.js';
import { failure } from '../support/problems.js';
import { readOnlyFolder, readOnlyLedgerStore } from '../support/read-only-world.js';
import { testWorld } from '../support/test-world.js';
import { tempDir } from '../support/temp-dir.js';
import { localSftpConfig } from '../support/local-sftp-config.js';

describe('makePlan', () => {
  const root = tempDir('make-plan');
  mkdirSync(join(root, 'rki'));
  let emulator: BrokerEmulator;
  let server: LocalSftpServer;
  let broker: BrokerReader;
  let folder: RemoteFolder;

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    const driver = new BrokerDriver(emulator.url);
    for (const tags of [['rki'], ['default'], ['rki'], ['default'], ['rki']]) {
      const id = await driver.createRequest({ tags });
      await driver.node('xxxApiKey123').postStatus(id, 'completed');
    }
    server = await startLocalSftpServer({ root });
    broker = createBrokerReader({ broker: { url: emulator.url, apiKey: new Secret('xxxAdmin1234'), timeoutSeconds: 5 } });
    folder = await openRemoteFolder(localSftpConfig(server));
  });
  after(async () => {
    await folder?.close();
    await broker?.close();
    await server?.close();
    await emulator?.close();
  });

  const deps = (workingDir: string, calls: string[], parts: { broker?: BrokerReader; remote?: RemoteFolder } = {}): World => ({
    ...testWorld({ broker: parts.broker ?? broker, remote: parts.remote ?? readOnlyFolder(folder, calls), workingDir, newPlanId: () => PLAN_UUID }),
    ledgerStore: readOnlyLedgerStore(createLedgerStore(workingDir), calls),
  });
  const request = (tag = 'rki') => ({ identity: { tag, remote: 'sftp://127.0.0.1/rki', folder: 'rki', configSha256: hex('c') }, options: NO_LIMITS, encryptor: null });

  it('§7.1 run 1: plans the three tagged requests and the ledger, pinned to what it read', async () => {
    const workingDir = tempDir('make-plan-work');
    const calls: string[] = [];
    const made = await makePlan(deps(workingDir, calls), request());
    assert.deepEqual(
      made.plan.actions.map((a) => `${a.kind} ${a.address} ${a.after?.completion ?? '-'}`),
      ['create export_0.zip 1.0', 'create export_2.zip 1.0', 'create export_4.zip 1.0', 'publish_ledger status.xml -'],
    );
    assert.equal(made.plan.plan_id, PLAN_UUID);
    assert.equal(made.plan.created_at, '2026-11-24T10:00:00.000Z');
    assert.equal(made.plan.config_sha256, hex('c'));
    assert.deepEqual(made.plan.inputs.ledger, { lineage: null, serial: 0, sha256: null });
    assert.equal(made.plan.inputs.broker.requests, made.observation.broker.requests.length);
    assert.equal(made.plan.inputs.remote.files, made.observation.listing.files.length);
    assert.deepEqual(calls.sort(), ['ledger read', 'list']);
    assert.deepEqual(readdirSync(join(root, 'rki')), []);
    assert.deepEqual(readdirSync(workingDir), []);
  });

  it('against the original ledger of run 2: revives 0, updates 2 and 4 (0.5 → 1.0), deletes 6 which the broker no longer lists', async () => {
    const workingDir = tempDir('make-plan-work');
    copyFileSync('test/fixtures/ledger/original-run2.xml', join(workingDir, 'status.xml'));
    const made = await makePlan(deps(workingDir, []), request());
    assert.deepEqual(
      made.plan.actions.map((a) => `${a.kind} ${a.reason} ${a.address}`),
      [
        'create tombstone_revived export_0.zip',
        'update completion_changed export_2.zip',
        'update completion_changed export_4.zip',
        'delete request_gone export_6.zip',
        'publish_ledger ledger_changed status.xml',
      ],
    );
    assert.deepEqual(made.plan.summary, { add: 1, change: 3, destroy: 1, publish_ledger: true });
    assert.equal(made.plan.inputs.ledger.sha256, made.observation.ledger.sha256);
  });

  it('throws PLAN_DELETE_CAP when the broker lists nothing for the tag but the ledger has live entries', async () => {
    const workingDir = tempDir('make-plan-work');
    copyFileSync('test/fixtures/ledger/original-run2.xml', join(workingDir, 'status.xml'));
    const error = await failure(makePlan(deps(workingDir, []), request('rki-typo')));
    assert.equal(error.code, 'PLAN_DELETE_CAP');
    assert.match(error.problems[0]!.title, /no request tagged 'rki-typo'/);
  });

  it('reads the broker and the actual state at the same time', async () => {
    const workingDir = tempDir('make-plan-work');
    let listed!: () => void;
    const listing = new Promise<void>((resolve) => (listed = resolve));
    // The broker answers only after the folder was listed: reading one after the other would hang.
    const waitingBroker: BrokerReader = {
      openBundle: (id) => broker.openBundle(id),
      close: async () => undefined,
      readSnapshot: async (tag) => {
        await Promise.race([listing, new Promise((_, reject) => setTimeout(() => reject(new Error('the folder was not listed while the broker was read')), 2000).unref())]);
        return broker.readSnapshot(tag);
      },
    };
    const readOnly = readOnlyFolder(folder, []);
    const remote: RemoteFolder = { ...readOnly, list: () => (listed(), readOnly.list()) };
    const made = await makePlan(deps(workingDir, [], { broker: waitingBroker, remote }), request());
    assert.equal(made.plan.summary.add, 3);
  });
});

/**
 * The applier on real parts: the broker emulator over HTTP, the in-process SFTP server, the
 * real ledger file and Fernet. Only the clock is fixed.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createBrokerReader } from '../../src/adapters/broker-http.js';
import { fernetDecrypt, generateFernetKey, parseFernetKey } from '../../src/adapters/fernet.js';
import { createFernetEncryptStream } from '../../src/adapters/fernet-stream.js';
import { createLedgerStore } from '../../src/adapters/ledger-file.js';
import { openRemoteFolder } from '../../src/adapters/sftp-ssh2.js';
import { applyPlan, type ApplyDeps } from '../../src/app/apply-plan.js';
import { makePlan } from '../../src/app/make-plan.js';
import type { AppEvent, BrokerReader, RemoteFolder } from '../../src/app/ports.js';
import type { Plan } from '../../src/core/plan.js';
import { isProblemError } from '../../src/core/problem.js';
import { Secret } from '../../src/core/secret.js';
import { BrokerDriver } from '../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../integration/broker-emulator/index.js';
import { startLocalSftpServer, type LocalSftpServer } from '../../integration/local-sftp-server.js';

const CLOCK = { now: () => new Date('2026-11-24T10:00:00Z') };
let counter = 0;
const newPlanId = () => `0a1b2c${(counter++).toString(16).padStart(2, '0')}-0000-4000-8000-000000000000`;
const key = parseFernetKey(generateFernetKey());

describe('applyPlan', () => {
  let emulator: BrokerEmulator;
  let sftp: LocalSftpServer;
  let driver: BrokerDriver;
  let broker: BrokerReader;
  let remote: RemoteFolder;
  let workingDir: string;
  let folder: string;
  let events: AppEvent[];

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    driver = new BrokerDriver(emulator.url);
    const root = mkdtempSync(join(tmpdir(), 'apply-sftp-'));
    sftp = await startLocalSftpServer({ root });
    broker = createBrokerReader({ broker: { url: emulator.url, apiKey: new Secret('xxxAdmin1234'), timeoutSeconds: 5 }, concurrency: 4 });
    // Requests 0..3 tagged rki, each completed by one hospital with a result.
    const hospital = driver.node('xxxApiKey123');
    for (let i = 0; i < 4; i++) {
      const id = await driver.createRequest({ tags: ['rki'] });
      await hospital.putResult(id, Buffer.alloc(70_000 + i, i), 'application/zip');
      await hospital.postStatus(id, 'completed');
    }
  });

  beforeEach(async () => {
    await remote?.close();
    folder = `run${counter}`;
    mkdirSync(join(sftp.root, folder));
    workingDir = mkdtempSync(join(tmpdir(), 'apply-ledger-'));
    remote = await openRemoteFolder({
      host: sftp.host,
      port: sftp.port,
      username: sftp.username,
      password: new Secret(sftp.password),
      timeoutSeconds: 5,
      folder,
      hostKeyFingerprints: [sftp.hostKeyFingerprint],
    });
    events = [];
    emulator.setFaults({});
  });

  after(async () => {
    await remote?.close();
    await broker?.close();
    await sftp?.close();
    await emulator?.close();
  });

  const deps = (signal?: AbortSignal): ApplyDeps => ({
    broker,
    remote,
    ledgerStore: createLedgerStore(workingDir),
    clock: CLOCK,
    encryptor: () => createFernetEncryptStream(key),
    events: (e) => events.push(e),
    ...(signal ? { signal } : {}),
  });
  const plan = async (): Promise<Plan> =>
    (
      await makePlan(
        { broker, remote, ledgerStore: createLedgerStore(workingDir), clock: CLOCK, newPlanId },
        { tag: 'rki', folder, configSha256: 'c'.repeat(64), options: { max_delete: null, allow_mass_delete: false, prune_orphans: false } },
      )
    ).plan;
  const remoteNames = () => readdirSync(join(sftp.root, folder)).sort();

  it('uploads every bundle encrypted, records it, and publishes the ledger last', async () => {
    const p = await plan();
    const report = await applyPlan(deps(), p, { concurrency: 2 });
    assert.equal(report.mode, 'fresh');
    assert.deepEqual(report.failed, []);
    assert.equal(report.done.length, 4);
    assert.ok(report.ledgerPublished);
    assert.deepEqual(remoteNames(), ['export_0.zip', 'export_1.zip', 'export_2.zip', 'export_3.zip', 'status.xml']);

    const ledger = await createLedgerStore(workingDir).read();
    assert.equal(ledger.ledger.entries.length, 4);
    for (const entry of ledger.ledger.entries) {
      const token = readFileSync(join(sftp.root, folder, `export_${entry.id}.zip`));
      assert.equal(token.length, entry.tokenSize);
      const bundle = fernetDecrypt(key, token);
      assert.equal(bundle.subarray(0, 2).toString('latin1'), 'PK', `export_${entry.id}.zip decrypts to a zip`);
      assert.equal(entry.plan, p.plan_id);
    }
    assert.ok(readFileSync(join(sftp.root, folder, 'status.xml')).equals(ledger.bytes!), 'remote status.xml = local ledger');
    const last = events.filter((e) => e.type === 'action_done').at(-1);
    assert.equal(last?.type === 'action_done' && last.address, 'status.xml');
  });

  it('applying the same plan again writes nothing', async () => {
    const p = await plan();
    await applyPlan(deps(), p, { concurrency: 2 });
    const before = await createLedgerStore(workingDir).read();
    const again = await applyPlan(deps(), p, { concurrency: 2 });
    assert.equal(again.mode, 'applied');
    assert.equal(again.done.length, 0);
    assert.equal(again.alreadyDone.length, 4);
    assert.equal((await createLedgerStore(workingDir).read()).ledger.serial, before.ledger.serial);
  });

  it('refuses a plan whose ledger moved, changing nothing', async () => {
    const p = await plan();
    await createLedgerStore(workingDir).write({ serial: 0, entries: [{ id: '9', completion: '1.0', uploaded: '2026-01-01 00:00:00' }] });
    await assert.rejects(applyPlan(deps(), p, { concurrency: 2 }), (e: unknown) => isProblemError(e) && e.code === 'PLAN_STALE');
    assert.deepEqual(remoteNames(), []);
  });

  it('stops starting actions when interrupted, and the same plan then resumes and finishes', async () => {
    const p = await plan();
    const abort = new AbortController();
    const d = deps(abort.signal);
    const first = await applyPlan({ ...d, events: (e) => (e.type === 'action_done' ? abort.abort() : undefined) }, p, { concurrency: 1 });
    assert.ok(first.interrupted);
    assert.equal(first.done.length, 1);
    assert.equal(first.notRun.length, 3);
    assert.equal(first.ledgerPublished, false);

    const second = await applyPlan(deps(), p, { concurrency: 2 });
    assert.equal(second.mode, 'resume');
    assert.equal(second.alreadyDone.length, 1);
    assert.equal(second.done.length, 3);
    assert.deepEqual(remoteNames(), ['export_0.zip', 'export_1.zip', 'export_2.zip', 'export_3.zip', 'status.xml']);
  });

  it('keeps finished uploads recorded when one fails, and deletes nothing', async () => {
    // First run: all four uploaded. Then a request appears and request 3 vanishes.
    await applyPlan(deps(), await plan(), { concurrency: 2 });
    const extra = await driver.createRequest({ tags: ['rki'] });
    await driver.deleteRequest('3');
    emulator.setFaults({ routes: { export: { errorRate: 1, status: 500 } } });
    const p = await plan();
    assert.ok(p.actions.some((a) => a.kind === 'create' && a.request_id === extra));
    const report = await applyPlan(deps(), p, { concurrency: 2 });
    assert.equal(report.failed.length, 1);
    assert.equal(report.failed[0]!.address, `export_${extra}.zip`);
    assert.match(report.failed[0]!.problem.detail ?? '', new RegExp(`request ${extra}`));
    assert.ok(!remoteNames().some((n) => n.endsWith('.part')), 'no temporary file left behind');
    assert.ok(!remoteNames().includes(`export_${extra}.zip`));
    assert.deepEqual(report.notRun.map((a) => a.address), ['export_3.zip'], 'the delete is held back');
    assert.ok(remoteNames().includes('export_3.zip'));
    const local = await createLedgerStore(workingDir).read();
    assert.ok(readFileSync(join(sftp.root, folder, 'status.xml')).equals(local.bytes!), 'the remote ledger copy still tells the truth');
  });
});

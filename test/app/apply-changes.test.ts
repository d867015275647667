/**
 * The apply use case, driven without the CLI, on real parts: the broker emulator over HTTP, the
 * in-process SFTP server, the real ledger file and lock, and Fernet. Only the clock is fixed.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createBrokerReader } from '../../src/adapters/broker/http.js';
import { fernetDecrypt, generateFernetKey, parseFernetKey } from '../../src/adapters/encryption/fernet/fernet.js';
import { createLedgerStore } from '../../src/adapters/ledger/file.js';
import { acquireLedgerLock } from '../../src/adapters/ledger/lock.js';
import { openRemoteFolder } from '../../src/adapters/sftp/ssh2.js';
import { applyChanges } from '../../src/app/apply-changes.js';
import type { ApplyReport } from '../../src/app/apply-plan.js';
import { makePlan } from '../../src/app/make-plan.js';
import type { AppEvent, BrokerReader, Encryptor, EventSink, RemoteFolder, World } from '../../src/app/ports.js';
import type { Plan } from '../../src/core/plan.js';
import { isProblemError } from '../../src/core/problem.js';
import { Secret } from '../../src/core/secret.js';
import { BrokerDriver } from '../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../integration/broker-emulator/index.js';
import { startLocalSftpServer, type LocalSftpServer } from '../../integration/local-sftp-server.js';
import { identityFor, testWorld } from '../support/test-world.js';
import { tempDir } from '../support/temp-dir.js';

let counter = 0;
const key = parseFernetKey(generateFernetKey());
const NO_LIMITS = { max_delete: null, allow_mass_delete: false, prune_orphans: false };

describe('applyChanges', () => {
  let emulator: BrokerEmulator;
  let sftp: LocalSftpServer;
  let driver: BrokerDriver;
  let broker: BrokerReader;
  let remote: RemoteFolder;
  let workingDir: string;
  let folder: string;
  let events: AppEvent[];
  const made: string[] = [];

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    driver = new BrokerDriver(emulator.url);
    const root = tempDir('apply-sftp');
    made.push(root);
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
    folder = `run${counter++}`;
    mkdirSync(join(sftp.root, folder));
    workingDir = tempDir('apply-ledger');
    made.push(workingDir);
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
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
    await remote?.close();
    await broker?.close();
    await sftp?.close();
    await emulator?.close();
  });

  const world = (sink: EventSink = (e) => events.push(e)): World => testWorld({ broker, remote, workingDir, key, events: sink });
  const plan = async (): Promise<Plan> => (await makePlan(world(), { identity: identityFor(folder), options: NO_LIMITS, encryptor: null })).plan;
  /** Applies a saved plan, as `apply PLANFILE` does. */
  const applySaved = async (p: Plan, options: { signal?: AbortSignal; events?: EventSink; concurrency?: number } = {}): Promise<ApplyReport> => {
    const outcome = await applyChanges(world(options.events), {
      identity: identityFor(folder),
      source: { saved: p, file: 'plan.json' },
      concurrency: options.concurrency ?? 2,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    assert.ok(outcome.report);
    return outcome.report;
  };
  const lockPath = () => join(workingDir, 'status.xml.lock');
  /** The local ledger file's bytes, through the store. */
  const localLedgerBytes = async () => {
    const store = createLedgerStore(workingDir);
    return (await store.bytes(await store.read()))!;
  };
  const remoteNames = () => readdirSync(join(sftp.root, folder)).sort();

  it('uploads every bundle encrypted, records it, and publishes the ledger last', async () => {
    const p = await plan();
    const report = await applySaved(p);
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
      // Progress counts what is uploaded, the token, and knows its size from the bundle's Content-Length.
      const progress = events.filter((e) => e.type === 'action_progress' && e.address === `export_${entry.id}.zip`).at(-1);
      assert.deepEqual(progress && progress.type === 'action_progress' && [progress.bytes, progress.expected_bytes], [entry.tokenSize, entry.tokenSize]);
    }
    assert.ok(readFileSync(join(sftp.root, folder, 'status.xml')).equals(await localLedgerBytes()), 'remote status.xml = local ledger');
    const last = events.filter((e) => e.type === 'action_done').at(-1);
    assert.equal(last?.type === 'action_done' && last.address, 'status.xml');
  });

  it('seals with whatever scheme the Encryptor port holds, and proves each upload by that scheme\'s size', async () => {
    // A scheme that is not Fernet: a 16-byte header, then the bundle. Plugged in at the port alone.
    const header = Buffer.from('NULL-SCHEME-0001');
    const nullScheme: Encryptor = {
      scheme: 'null',
      label: 'no encryption (test)',
      keyId: '0000000000000000',
      seal: () => new Transform({ transform: (chunk, _enc, done) => done(null, chunk), construct(done) { this.push(header); done(); } }),
      sealedSize: (plainBytes) => header.length + plainBytes,
    };
    const sealing = testWorld({ broker, remote, workingDir, encryptor: nullScheme, events: (e) => events.push(e) });
    const p = (await makePlan(sealing, { identity: identityFor(folder), options: NO_LIMITS, encryptor: null })).plan;
    const outcome = await applyChanges(sealing, { identity: identityFor(folder), source: { saved: p, file: 'plan.json' }, concurrency: 2 });
    assert.deepEqual(outcome.report?.failed, []);
    for (const entry of (await createLedgerStore(workingDir).read()).ledger.entries) {
      const sealed = readFileSync(join(sftp.root, folder, `export_${entry.id}.zip`));
      assert.ok(sealed.subarray(0, header.length).equals(header));
      assert.equal(sealed.subarray(header.length, header.length + 2).toString('latin1'), 'PK');
      assert.equal(entry.tokenSize, sealed.length);
    }
  });

  it('applies a plan of format 1.1, which names the folder and not the remote', async () => {
    const { remote, ...legacy } = { ...(await plan()), format_version: '1.1' };
    assert.equal(remote, `sftp://127.0.0.1/${folder}`);
    const report = await applySaved(legacy);
    assert.equal(report.failed.length, 0);
    assert.ok(report.done.length > 0);
  });

  it('applying the same plan again writes nothing', async () => {
    const p = await plan();
    await applySaved(p);
    const before = await createLedgerStore(workingDir).read();
    const again = await applySaved(p);
    assert.equal(again.mode, 'applied');
    assert.equal(again.done.length, 0);
    assert.equal(again.alreadyDone.length, 4);
    assert.equal((await createLedgerStore(workingDir).read()).ledger.serial, before.ledger.serial);
    assert.equal(again.ledgerPublished, false, 'the remote status.xml already has the local digest');
  });

  it('publishes the ledger again when the remote copy differs from it, even by the same size', async () => {
    const p = await plan();
    await applySaved(p);
    const remoteLedger = join(sftp.root, folder, 'status.xml');
    const local = await localLedgerBytes();
    const tampered = Buffer.from(local);
    tampered[tampered.length - 2]! ^= 1;
    writeFileSync(remoteLedger, tampered);
    const again = await applySaved(p);
    assert.equal(again.ledgerPublished, true);
    assert.ok(readFileSync(remoteLedger).equals(local), 'remote status.xml = local ledger');
  });

  it('reads the remote status.xml once per apply: the observation\'s digest decides whether to publish', async () => {
    const p = await plan();
    await applySaved(p);
    const reads: string[] = [];
    // The real remote folder, with its reads counted.
    const counting = wrapping(remote, 'digest', (file) => (reads.push(file), remote.digest(file)));
    const applyCounted = async () => {
      reads.length = 0;
      const outcome = await applyChanges(testWorld({ broker, remote: counting, workingDir, key, events: (e) => events.push(e) }), { identity: identityFor(folder), source: { saved: p, file: 'plan.json' }, concurrency: 2 });
      return outcome.report!;
    };
    assert.equal((await applyCounted()).ledgerPublished, false);
    assert.deepEqual(reads, ['status.xml'], 'unchanged: read once, by observe');
    writeFileSync(join(sftp.root, folder, 'status.xml'), 'not the ledger');
    assert.equal((await applyCounted()).ledgerPublished, true);
    assert.deepEqual(reads, ['status.xml'], 'changed: read once, by observe, then published');
  });

  it('an upload whose file appears meanwhile stops with PLAN_STALE: the file is left as it is and its temporary file goes', async () => {
    const p = await plan();
    const foreign = Buffer.from('written by someone else while the apply ran');
    // Someone else writes export_1.zip just as the applier re-checks it, after the plan and the apply's own observation.
    const racing = wrapping(remote, 'stat', async (file) => {
      if (file === 'export_1.zip') writeFileSync(join(sftp.root, folder, file), foreign);
      return remote.stat(file);
    });
    const outcome = await applyChanges(testWorld({ broker, remote: racing, workingDir, key, events: (e) => events.push(e) }), {
      identity: identityFor(folder),
      source: { saved: p, file: 'plan.json' },
      concurrency: 2,
    });
    const report = outcome.report!;
    assert.deepEqual(report.failed.map((f) => [f.address, f.problem.code, f.problem.title]), [['export_1.zip', 'PLAN_STALE', 'export_1.zip changed on the SFTP server since the plan was made']]);
    assert.deepEqual(report.done.map((d) => d.address).sort(), ['export_0.zip', 'export_2.zip', 'export_3.zip']);
    assert.ok(readFileSync(join(sftp.root, folder, 'export_1.zip')).equals(foreign), 'the file someone else wrote is untouched');
    assert.deepEqual(remoteNames(), ['export_0.zip', 'export_1.zip', 'export_2.zip', 'export_3.zip', 'status.xml'], 'no temporary file left');
    const ledger = await createLedgerStore(workingDir).read();
    assert.deepEqual(ledger.ledger.entries.map((e) => e.id).sort(), ['0', '2', '3']);
    assert.equal(ledger.ledger.pending, undefined);
  });

  it('refuses a plan whose ledger moved, changing nothing', async () => {
    const p = await plan();
    const moved = createLedgerStore(workingDir);
    await moved.write({ serial: 0, entries: [{ id: '9', completion: '1.0', uploaded: '2026-01-01 00:00:00' }] });
    await moved.flush(); // folds and closes the journal: a dropped store would leave its handle to the garbage collector
    await assert.rejects(applySaved(p), (e: unknown) => isProblemError(e) && e.code === 'PLAN_STALE');
    assert.ok(!existsSync(lockPath()), 'the lock is released');
    assert.deepEqual(remoteNames(), []);
  });

  it('stops starting actions when interrupted, and the same plan then resumes and finishes', async () => {
    const p = await plan();
    const abort = new AbortController();
    const first = await applySaved(p, { signal: abort.signal, concurrency: 1, events: (e) => (e.type === 'action_done' ? abort.abort() : undefined) });
    assert.ok(first.interrupted);
    assert.equal(first.done.length, 1);
    assert.equal(first.notRun.length, 3);
    assert.equal(first.ledgerPublished, true, 'the remote copy tells what the folder holds after the interrupt too');
    assert.ok(readFileSync(join(sftp.root, folder, 'status.xml')).equals(await localLedgerBytes()));

    const second = await applySaved(p);
    assert.equal(second.mode, 'resume');
    assert.equal(second.alreadyDone.length, 1);
    assert.equal(second.done.length, 3);
    assert.deepEqual(remoteNames(), ['export_0.zip', 'export_1.zip', 'export_2.zip', 'export_3.zip', 'status.xml']);
  });

  it('keeps finished uploads recorded when one fails, and deletes nothing', async () => {
    // First run: all four uploaded. Then a request appears and request 3 vanishes.
    await applySaved(await plan());
    const extra = await driver.createRequest({ tags: ['rki'] });
    await driver.deleteRequest('3');
    emulator.setFaults({ routes: { export: { errorRate: 1, status: 500 } } });
    const p = await plan();
    assert.ok(p.actions.some((a) => a.kind === 'create' && a.request_id === extra));
    const report = await applySaved(p);
    assert.equal(report.failed.length, 1);
    assert.equal(report.failed[0]!.address, `export_${extra}.zip`);
    assert.match(report.failed[0]!.problem.detail ?? '', new RegExp(`request ${extra}`));
    assert.ok(!remoteNames().some((n) => n.endsWith('.part')), 'no temporary file left behind');
    assert.ok(!remoteNames().includes(`export_${extra}.zip`));
    assert.deepEqual(report.notRun.map((a) => a.address), ['export_3.zip'], 'the delete is held back');
    assert.ok(remoteNames().includes('export_3.zip'));
    assert.ok(readFileSync(join(sftp.root, folder, 'status.xml')).equals(await localLedgerBytes()), 'the remote ledger copy still tells the truth');
  });
  it('plans and applies in one run once approved, showing the plan to the approver first', async () => {
    let seen: Plan | undefined;
    const outcome = await applyChanges(world(), {
      identity: identityFor(folder),
      source: { options: NO_LIMITS, approve: async (p) => ((seen = p), true) },
      concurrency: 2,
    });
    assert.equal(seen?.plan_id, outcome.plan.plan_id);
    assert.deepEqual(outcome.plan.actions.map((a) => a.kind), ['create', 'create', 'create', 'create', 'publish_ledger']);
    assert.equal(outcome.report?.done.length, 4);
    assert.deepEqual(remoteNames(), outcome.plan.actions.map((a) => a.address).sort());
    assert.ok(!existsSync(lockPath()));
  });

  it('changes nothing when the approver declines, and releases the lock', async () => {
    const refused = applyChanges(world(), { identity: identityFor(folder), source: { options: NO_LIMITS, approve: async () => false }, concurrency: 2 });
    await assert.rejects(refused, (e: unknown) => isProblemError(e) && e.code === 'CONFIRMATION_REQUIRED');
    assert.deepEqual(remoteNames(), []);
    assert.deepEqual(readdirSync(workingDir), []);
  });

  it('asks nothing and writes nothing when there is nothing to do', async () => {
    await applySaved(await plan());
    const serial = (await createLedgerStore(workingDir).read()).ledger.serial;
    const outcome = await applyChanges(world(), {
      identity: identityFor(folder),
      source: { options: NO_LIMITS, approve: async () => assert.fail('nothing to approve') },
      concurrency: 2,
    });
    assert.equal(outcome.report, null);
    assert.equal(outcome.plan.actions.length, 0);
    assert.equal((await createLedgerStore(workingDir).read()).ledger.serial, serial);
  });

  it('refuses a saved plan of another configuration before it locks or connects', async () => {
    const p = await plan();
    const held = await acquireLedgerLock(workingDir, 'other', { now: new Date(), toolVersion: 'test' });
    try {
      const notConnecting: World = { ...world(), connect: () => assert.fail('must not connect') };
      const { remote: _, ...legacy } = { ...p, format_version: '1.1' };
      for (const [saved, identity, detail] of [
        [p, identityFor('elsewhere'), /it is for sftp:\/\/127\.0\.0\.1\/.+, the configuration says sftp:\/\/127\.0\.0\.1\/elsewhere/],
        [p, { ...identityFor(folder), remote: 'sftp://sftp.example.org/' + folder }, /the configuration says sftp:\/\/sftp\.example\.org\//],
        [legacy, identityFor('elsewhere'), /it is for the SFTP folder '.+', the configuration says 'elsewhere'/],
        [p, { ...identityFor(folder), tag: 'x' }, /it is for tag 'rki'/],
        [p, { ...identityFor(folder), configSha256: 'd'.repeat(64) }, /made with a different configuration/],
      ] as const) {
        await assert.rejects(
          applyChanges(notConnecting, { identity, source: { saved, file: 'plan.json' }, concurrency: 2 }),
          (e: unknown) => isProblemError(e) && e.code === 'PLAN_STALE' && /plan\.json does not belong to this configuration/.test(e.problems[0]!.title) && detail.test(e.problems[0]!.detail ?? ''),
        );
      }
    } finally {
      await held.release();
    }
  });

  it('refuses to run while another run holds the lock, changing nothing', async () => {
    const p = await plan();
    const held = await acquireLedgerLock(workingDir, 'other', { now: new Date(), toolVersion: 'test' });
    try {
      await assert.rejects(applySaved(p), (e: unknown) => isProblemError(e) && e.code === 'LEDGER_LOCKED');
      assert.deepEqual(remoteNames(), []);
    } finally {
      await held.release();
    }
  });

  it('releases the lock when connecting fails', async () => {
    const failing: World = { ...world(), connect: async () => Promise.reject(new Error('no route')) };
    await assert.rejects(applyChanges(failing, { identity: identityFor(folder), source: { saved: await plan(), file: 'plan.json' }, concurrency: 2 }), /no route/);
    assert.ok(!existsSync(lockPath()));
  });
});

/** The real remote folder (a class instance, so not spread) with one method in place of its own. */
function wrapping<K extends keyof RemoteFolder>(folder: RemoteFolder, name: K, method: RemoteFolder[K]): RemoteFolder {
  return new Proxy(folder, {
    get(target, key) {
      if (key === name) return method;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * The broker client against the emulator over real HTTP: the original's scenario, listing,
 * tag quoting, the + trap, auth, streaming and keep-alive. Faults: http-faults.test.ts.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createBrokerReader, type BrokerReaderOptions } from '../../../src/adapters/broker/http.js';
import { Secret } from '../../../src/core/secret.js';
import type { AppEvent } from '../../../src/app/ports.js';
import { BrokerDriver } from '../../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../../integration/broker-emulator/index.js';
import { failure } from '../../support/problems.js';

// Generous: on a loaded 2-core machine the emulator may take seconds to build a multi-MiB bundle; timeouts are tested elsewhere.
const options = (url: string, change: Partial<BrokerReaderOptions> & { key?: string } = {}): BrokerReaderOptions => ({
  broker: { url, apiKey: new Secret(change.key ?? 'xxxAdmin1234'), timeoutSeconds: 30 },
  concurrency: 4,
  backoffMs: 10,
  ...change,
});
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const HEADER = 'aktin-sftp broker fingerprint v1';

describe('broker client: the original scenario (docs/original-tool.md §7.1)', () => {
  let scenario: BrokerEmulator;
  after(async () => scenario?.close());

  it('computes completions and fingerprints of runs 1 and 2 as computed by hand', async () => {
    const clock = { now: new Date('2024-05-01T10:00:00Z') };
    scenario = await startBrokerEmulator({ port: 0, clock: () => clock.now });
    const admin = new BrokerDriver(scenario.url);
    const client1 = admin.node('xxxApiKey123'); // node 0
    for (let i = 0; i < 6; i++) {
      const id = await admin.createRequest({ tags: [i % 2 === 0 ? 'rki' : 'default'] });
      await client1.putResult(id, 'a;b\n', 'text/csv');
      await client1.postStatus(id, 'completed');
    }
    const broker = createBrokerReader(options(scenario.url));
    const run1 = await broker.readSnapshot('rki');
    const completedByNode0 = `0\tcompleted=2024-05-01T10:00:00Z\trejected=\tfailed=\tmessage=`;
    const one = sha256(`${HEADER}\n${completedByNode0}`);
    assert.deepEqual(run1, {
      tag: 'rki',
      requests: ['0', '2', '4'].map((id) => ({ id, completion: '1.0', fingerprint: one, nodes: 1, completed: 1 })),
    });

    clock.now = new Date('2024-05-02T08:00:00Z');
    await admin.createRequest({ tags: ['rki'] }); // 6
    await admin.createRequest({ tags: ['default'] }); // 7
    await admin.deleteRequest('0');
    const client2 = admin.node('xxxApiKey567'); // node 1
    for (const id of ['1', '2', '3', '4', '5']) await client2.postStatus(id, 'retrieved');
    const run2 = await broker.readSnapshot('rki');
    const half = sha256(`${HEADER}\n${completedByNode0}\n1\tcompleted=\trejected=\tfailed=\tmessage=`);
    assert.deepEqual(run2.requests, [
      { id: '2', completion: '0.5', fingerprint: half, nodes: 2, completed: 1 },
      { id: '4', completion: '0.5', fingerprint: half, nodes: 2, completed: 1 },
      { id: '6', completion: '0.0', fingerprint: sha256(HEADER), nodes: 0, completed: 0 },
    ]);

    await client2.postStatus('2', 'processing');
    assert.equal((await broker.readSnapshot('rki')).requests[0]!.fingerprint, half, 'a heartbeat of a counted node changes nothing');
    await client1.postStatus('2', 'completed'); // node 0 re-submits at a later time
    const resubmitted = (await broker.readSnapshot('rki')).requests[0]!;
    assert.equal(resubmitted.completion, '0.5');
    assert.equal(resubmitted.fingerprint, sha256(`${HEADER}\n0\tcompleted=2024-05-02T08:00:00Z\trejected=\tfailed=\tmessage=\n1\tcompleted=\trejected=\tfailed=\tmessage=`));
    await broker.close();
  });
});

describe('broker client', () => {
  let emulator: BrokerEmulator;
  let bigZip: Buffer;
  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    const driver = new BrokerDriver(emulator.url);
    const hospital = driver.node('xxxApiKey123');
    for (const tags of [['rki'], ['monthly', 'rki'], ['other'], ["it's"], ['say "hi" it\'s'], ['a+b & <c>'], ['RKI']]) {
      const id = await driver.createRequest({ tags });
      await hospital.postStatus(id, 'completed');
    }
    await driver.createRequest({ tags: ['rki'], publish: false }); // 7
    const closed = await driver.createRequest({ tags: ['rki'] }); // 8
    await driver.close(closed);
    bigZip = randomBytes(6 * 1024 * 1024);
    await hospital.putResult('0', bigZip, 'application/zip');
  });
  after(async () => emulator?.close());

  it('lists every request carrying the tag exactly, unpublished and closed ones too, in id order', async () => {
    const broker = createBrokerReader(options(emulator.url));
    assert.deepEqual((await broker.readSnapshot('rki')).requests.map((r) => r.id), ['0', '1', '7', '8']);
    assert.deepEqual((await broker.readSnapshot('none')).requests, []);
    await broker.close();
  });

  it('quotes tags with quotes and special characters safely', async () => {
    const broker = createBrokerReader(options(emulator.url));
    for (const [tag, id] of [["it's", '3'], ['say "hi" it\'s', '4'], ['a+b & <c>', '5'], ['RKI', '6']]) {
      assert.deepEqual((await broker.readSnapshot(tag!)).requests.map((r) => r.id), [id], tag);
    }
    await broker.close();
  });

  it('encodes the + of the media type, which the broker would read as a space', async () => {
    const unencoded = await fetch(`${emulator.url}/broker/request/filtered?type=application/vnd.aktin.query.request+xml&predicate=%2F%2Ftag%3D%27rki%27`, {
      headers: { Authorization: 'Bearer xxxAdmin1234' },
    });
    assert.equal(unencoded.status, 400, 'the trap is real');
    const broker = createBrokerReader(options(emulator.url));
    assert.equal((await broker.readSnapshot('rki')).requests.length, 4);
    await broker.close();
  });

  it('refuses a wrong or a node API key as BROKER_AUTH at once, never as "0 nodes", and never shows the key', async () => {
    for (const key of ['wrong-key-1234', 'xxxApiKey123']) {
      const before = emulator.stats().requests;
      const broker = createBrokerReader(options(emulator.url, { key }));
      const error = await failure(broker.readSnapshot('rki'));
      assert.equal(error.code, 'BROKER_AUTH');
      assert.match(error.message, /HTTP 401 on GET \/broker\/request\/filtered/);
      assert.ok(!JSON.stringify(error.problems).includes(key), 'the key is not in the problem');
      assert.equal(emulator.stats().requests - before, 1, 'a 401 is not retried');
      assert.equal((await failure(broker.openBundle('0'))).code, 'BROKER_AUTH');
      await broker.close();
    }
  });

  it('streams a multi-MiB bundle chunk by chunk, byte-identical to the exported zip', async () => {
    // Not a timeout test: the emulator zips 6 MiB before it answers, which takes longer than 5 s
    // on a busy 2-core machine (seen once in a full run). Give it time.
    const base = options(emulator.url);
    const broker = createBrokerReader({ ...base, broker: { ...base.broker, timeoutSeconds: 120 } });
    const bundle = await broker.openBundle('0');
    assert.equal(bundle.fileName, 'export_0.zip');
    const chunks: number[] = [];
    const parts: Buffer[] = [];
    for await (const chunk of bundle.stream) {
      chunks.push((chunk as Buffer).length);
      parts.push(chunk as Buffer);
    }
    const bytes = Buffer.concat(parts);
    assert.equal(bytes.length, bundle.size);
    assert.ok(bytes.length > 6 * 1024 * 1024);
    assert.ok(chunks.length >= 50 && Math.max(...chunks) <= 1024 * 1024, `${chunks.length} chunks, largest ${Math.max(...chunks)} bytes`);
    const exported = await fetch(`${emulator.url}/broker/export/request-bundle/0`, { method: 'POST', headers: { Authorization: 'Bearer xxxAdmin1234' } });
    const manual = Buffer.from(await (await fetch(`${emulator.url}/broker/download/${await exported.text()}`)).arrayBuffer());
    assert.ok(bytes.equals(manual), 'the same bytes as a manual export');
    assert.ok(bytes.includes(bigZip.subarray(0, 4096)), 'the result is inside, stored');
    await broker.close();
  });

  it('reports a request the broker cannot export (deleted meanwhile) with its id and endpoint', async () => {
    const broker = createBrokerReader(options(emulator.url, { retries: 1 }));
    const error = await failure(broker.openBundle('99'));
    assert.equal(error.code, 'BROKER_HTTP');
    assert.match(error.message, /HTTP 500 to POST \/broker\/export\/request-bundle\/99/);
    assert.match(error.problems[0]!.detail!, /the export of request 99/);
    await broker.close();
  });

  it('reuses keep-alive connections: two passes and a download open at most `concurrency` connections', async () => {
    const before = emulator.stats();
    const events: AppEvent[] = [];
    const broker = createBrokerReader(options(emulator.url, { onEvent: (e) => events.push(e) }));
    await broker.readSnapshot('rki');
    await broker.readSnapshot('rki');
    for await (const chunk of (await broker.openBundle('1')).stream) void chunk;
    const after = emulator.stats();
    assert.equal(after.requests - before.requests, 2 * 5 + 2);
    assert.ok(after.connections - before.connections <= 4, `${after.connections - before.connections} connections`);
    assert.deepEqual(events, [], 'nothing to warn about');
    await broker.close();
  });
});

describe('broker client: many calls in flight', () => {
  it('keeps 16 calls in flight on one closing signal without a MaxListenersExceededWarning', async () => {
    const requests = Array.from({ length: 40 }, () => ({ tags: ['rki'], nodes: [{ key: 'xxxApiKey123', result: 'a;b\n', status: 'completed' as const }] }));
    const emulator = await startBrokerEmulator({ port: 0, seed: { requests }, latency: { latencyMs: 40 } });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const broker = createBrokerReader(options(emulator.url, { concurrency: 16 }));
    try {
      const snapshot = await broker.readSnapshot('rki');
      assert.equal(snapshot.requests.length, 40);
      // More than Node's default of 10 listeners were on the signal at once, so the test can fail.
      assert.ok(emulator.inFlight().peakRequests > 10, `calls overlap (peak ${emulator.inFlight().peakRequests})`);
      // Node emits the warning on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings.map((w) => w.name), []);
    } finally {
      process.off('warning', onWarning);
      await broker.close();
      await emulator.close();
    }
  });
});

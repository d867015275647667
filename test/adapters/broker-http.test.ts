/**
 * The broker client against the emulator over real HTTP: listing, completion, fingerprints,
 * streaming, strict status checks, and every fault kind.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { buffer } from 'node:stream/consumers';
import { createBrokerReader, type BrokerReaderOptions } from '../../src/adapters/broker-http.js';
import { tagPredicate } from '../../src/adapters/broker-tag.js';
import { isProblemError, type ProblemCode } from '../../src/core/problem.js';
import { Secret } from '../../src/core/secret.js';
import { BrokerDriver } from '../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../integration/broker-emulator/index.js';

let emulator: BrokerEmulator;
let driver: BrokerDriver;
const reader = (change: Partial<BrokerReaderOptions> & { key?: string; timeoutSeconds?: number } = {}) =>
  createBrokerReader({
    broker: { url: emulator.url, apiKey: new Secret(change.key ?? 'xxxAdmin1234'), timeoutSeconds: change.timeoutSeconds ?? 5 },
    concurrency: 4,
    backoffMs: 10,
    ...change,
  });
const fails = (code: ProblemCode, fragment?: RegExp) => (e: unknown) =>
  isProblemError(e) && e.code === code && (!fragment || fragment.test(`${e.problems[0]!.title} ${e.problems[0]!.detail}`)) && !JSON.stringify(e.problems).includes('xxxAdmin1234');

describe('broker client: the original scenario (§7.1)', () => {
  let scenario: BrokerEmulator;
  after(async () => scenario?.close());

  it('computes completions and fingerprints of runs 1 and 2', async () => {
    scenario = await startBrokerEmulator({ port: 0 });
    const d = new BrokerDriver(scenario.url);
    const client1 = d.node('xxxApiKey123');
    for (let i = 0; i < 6; i++) {
      const id = await d.createRequest({ tags: [i % 2 === 0 ? 'rki' : 'default'] });
      await client1.putResult(id, 'a;b\n', 'text/csv');
      await client1.postStatus(id, 'completed');
    }
    const broker = createBrokerReader({ broker: { url: scenario.url, apiKey: new Secret('xxxAdmin1234'), timeoutSeconds: 5 } });
    const run1 = await broker.readSnapshot('rki');
    assert.deepEqual(run1.requests.map((r) => [r.id, r.completion, r.nodes, r.completed]), [['0', '1.0', 1, 1], ['2', '1.0', 1, 1], ['4', '1.0', 1, 1]]);

    await d.createRequest({ tags: ['rki'] });
    await d.createRequest({ tags: ['default'] });
    await d.deleteRequest('0');
    const client2 = d.node('xxxApiKey567');
    for (const id of ['1', '2', '3', '4', '5']) await client2.postStatus(id, 'retrieved');
    const run2 = await broker.readSnapshot('rki');
    assert.deepEqual(run2.requests.map((r) => [r.id, r.completion]), [['2', '0.5'], ['4', '0.5'], ['6', '0.0']]);
    assert.notEqual(run2.requests[0]!.fingerprint, run1.requests[1]!.fingerprint, 'a new node row changes the fingerprint');
    await broker.close();
  });
});

describe('broker client', () => {
  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    driver = new BrokerDriver(emulator.url);
    const hospital = driver.node('xxxApiKey123');
    for (const tags of [['rki'], ['monthly', 'rki'], ['other'], ["it's"], ['say "hi" it\'s']]) {
      const id = await driver.createRequest({ tags });
      await hospital.postStatus(id, 'completed');
    }
    await driver.createRequest({ tags: ['rki'], publish: false });
    await hospital.putResult('0', randomBytes(5 * 1024 * 1024), 'application/zip');
  });
  beforeEach(() => emulator.setFaults({}));
  after(async () => emulator?.close());

  it('lists every request carrying the tag, unpublished ones too, in id order', async () => {
    const broker = reader();
    assert.deepEqual((await broker.readSnapshot('rki')).requests.map((r) => r.id), ['0', '1', '5']);
    await broker.close();
  });

  it('quotes tags with quotes safely inside the XPath predicate', async () => {
    assert.equal(tagPredicate("it's"), `//tag="it's"`);
    assert.equal(tagPredicate('say "hi" it\'s'), `//tag=concat('say "hi" it', "'", 's')`);
    const broker = reader();
    assert.deepEqual((await broker.readSnapshot("it's")).requests.map((r) => r.id), ['3']);
    assert.deepEqual((await broker.readSnapshot('say "hi" it\'s')).requests.map((r) => r.id), ['4']);
    await broker.close();
  });

  it('encodes the + of the media type; an unencoded + is refused by the broker', async () => {
    const raw = await fetch(`${emulator.url}/broker/request/filtered?type=application/vnd.aktin.query.request+xml&predicate=%2F%2Ftag%3D%27rki%27`, {
      headers: { Authorization: 'Bearer xxxAdmin1234' },
    });
    assert.equal(raw.status, 400);
    const broker = reader();
    assert.equal((await broker.readSnapshot('rki')).requests.length, 3);
    await broker.close();
  });

  it('refuses a wrong or non-admin API key as BROKER_AUTH, not as zero nodes', async () => {
    for (const key of ['wrong-key', 'xxxApiKey123']) {
      const broker = reader({ key });
      await assert.rejects(broker.readSnapshot('rki'), fails('BROKER_AUTH', /HTTP 401/));
      await broker.close();
    }
  });

  it('streams a multi-MiB bundle chunk by chunk, identical to a manual download', async () => {
    const broker = reader();
    const bundle = await broker.openBundle('0');
    assert.equal(bundle.fileName, 'export_0.zip');
    let chunks = 0;
    bundle.stream.on('data', () => (chunks += 1));
    const bytes = await buffer(bundle.stream);
    assert.equal(bytes.length, bundle.size);
    assert.ok(chunks > 1, 'the body arrives in several chunks');
    assert.ok(bytes.length > 5 * 1024 * 1024);
    const exported = await fetch(`${emulator.url}/broker/export/request-bundle/0`, { method: 'POST', headers: { Authorization: 'Bearer xxxAdmin1234' } });
    const manual = Buffer.from(await (await fetch(`${emulator.url}/broker/download/${await exported.text()}`)).arrayBuffer());
    assert.ok(bytes.equals(manual));
    await broker.close();
  });

  it('retries a failing route and succeeds once it recovers', async () => {
    emulator.setFaults({ seed: 7, routes: { status: { errorRate: 0.5, status: 503 } } });
    const broker = reader({ retries: 6 });
    assert.equal((await broker.readSnapshot('rki')).requests.length, 3);
    await broker.close();
  });

  it('gives up after the retries, naming the endpoint', async () => {
    emulator.setFaults({ routes: { status: { errorRate: 1, status: 500 } } });
    const broker = reader({ retries: 2 });
    await assert.rejects(broker.readSnapshot('rki'), fails('BROKER_HTTP', /HTTP 500 to GET \/broker\/request\/\d+\/status/));
    await broker.close();
  });

  it('never retries a 4xx', async () => {
    emulator.setFaults({ routes: { export: { errorRate: 1, status: 404 } } });
    const before = emulator.stats().requests;
    const broker = reader({ retries: 3 });
    await assert.rejects(broker.openBundle('0'), fails('BROKER_HTTP', /HTTP 404/));
    assert.equal(emulator.stats().requests - before, 1);
    await broker.close();
  });

  it('reports a dropped connection as BROKER_NETWORK', async () => {
    emulator.setFaults({ routes: { filtered: { drop: true } } });
    const broker = reader({ retries: 1 });
    await assert.rejects(broker.readSnapshot('rki'), fails('BROKER_NETWORK', /GET \/broker\/request\/filtered/));
    await broker.close();
  });

  it('detects a truncated bundle instead of uploading half of it', async () => {
    emulator.setFaults({ routes: { download: { truncate: true } } });
    const broker = reader();
    const bundle = await broker.openBundle('0');
    await assert.rejects(buffer(bundle.stream), fails('BROKER_NETWORK'));
    await broker.close();
  });

  it('lets a slow but steady body finish, and times out a stall longer than the read timeout', async () => {
    emulator.setFaults({ routes: { download: { slowBodyBytesPerSecond: 2000 } } });
    const broker = reader({ timeoutSeconds: 1 });
    const slow = await broker.openBundle('1');
    assert.equal((await buffer(slow.stream)).length, slow.size, 'a body trickling in 100 ms steps is not cut off');
    emulator.setFaults({ routes: { download: { latencyMs: 1500 } } });
    await assert.rejects(broker.openBundle('0'), fails('BROKER_NETWORK', /no answer within 1 s/));
    await broker.close();
  });

  it('reuses keep-alive connections: one pass opens at most `concurrency` connections', async () => {
    const before = emulator.stats().connections;
    const broker = reader();
    await broker.readSnapshot('rki');
    await broker.readSnapshot('rki');
    assert.ok(emulator.stats().connections - before <= 4, `${emulator.stats().connections - before} connections`);
    await broker.close();
  });
});

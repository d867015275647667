/**
 * The broker client under every fault the emulator injects: error statuses with retries that
 * succeed or run out, 4xx never retried, dropped connections, truncated bodies, slow and
 * stalling bodies against the read timeout, added latency, an unreachable broker.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createBrokerReader, type BrokerReaderOptions } from '../../../src/adapters/broker/http.js';
import type { AppEvent } from '../../../src/app/ports.js';
import { Secret } from '../../../src/core/secret.js';
import { BrokerDriver } from '../../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../../integration/broker-emulator/index.js';
import { failure } from '../../support/problems.js';

let emulator: BrokerEmulator;
const open: { close(): Promise<void> }[] = [];
const reader = (change: Partial<BrokerReaderOptions> & { timeoutSeconds?: number; url?: string } = {}) => {
  const broker = createBrokerReader({
    broker: { url: change.url ?? emulator.url, apiKey: new Secret('xxxAdmin1234'), timeoutSeconds: change.timeoutSeconds ?? 5 },
    concurrency: 1,
    backoffMs: 5,
    ...change,
  });
  open.push(broker);
  return broker;
};
/** Requests the emulator receives while `work` runs. */
const served = async (work: () => Promise<unknown>) => {
  const before = emulator.stats().requests;
  await work().catch(() => undefined);
  return emulator.stats().requests - before;
};
const consume = async (stream: NodeJS.ReadableStream) => {
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return bytes;
};

before(async () => {
  emulator = await startBrokerEmulator({ port: 0 });
  const driver = new BrokerDriver(emulator.url);
  const hospital = driver.node('xxxApiKey123');
  for (let i = 0; i < 3; i++) await hospital.postStatus(await driver.createRequest({ tags: ['rki'] }), 'completed');
  await hospital.putResult('0', randomBytes(64 * 1024), 'application/zip');
});
beforeEach(() => emulator.setFaults({}));
after(async () => {
  await Promise.all(open.map((b) => b.close()));
  await emulator?.close();
});

describe('broker client faults: error statuses and retries', () => {
  it('retries a 5xx with backoff, reports each retry, and succeeds once the route recovers', async () => {
    emulator.setFaults({ seed: 7, routes: { status: { errorRate: 0.5, status: 503 } } });
    const events: AppEvent[] = [];
    const broker = reader({ retries: 8, onEvent: (e) => events.push(e) });
    const snapshot = await broker.readSnapshot('rki');
    assert.deepEqual(snapshot.requests.map((r) => r.completion), ['1.0', '1.0', '1.0']);
    assert.ok(events.length > 0, 'the seed injects at least one 503');
    for (const event of events) {
      assert.equal(event.type, 'warning');
      assert.match((event as { message: string }).message, /HTTP 503 to GET \/broker\/request\/\d\/status; retry \d of 8 in \d+\.\d s/);
    }
  });

  it('gives up after the retries with BROKER_HTTP naming the request and endpoint', async () => {
    emulator.setFaults({ routes: { status: { errorRate: 1, status: 500 } } });
    let error;
    const requests = await served(async () => (error = await failure(reader({ retries: 2 }).readSnapshot('rki'))));
    assert.equal(error!.code, 'BROKER_HTTP');
    assert.match(error!.message, /HTTP 500 to GET \/broker\/request\/0\/status/);
    assert.match(error!.problems[0]!.detail, /the status of request 0/);
    assert.equal(requests, 1 + 3, 'the list, then the first status three times; the other ids are not asked');
  });

  it('never retries a 4xx', async () => {
    emulator.setFaults({ routes: { export: { errorRate: 1, status: 404 } } });
    let error;
    assert.equal(await served(async () => (error = await failure(reader({ retries: 3 }).openBundle('0')))), 1);
    assert.equal(error!.code, 'BROKER_HTTP');
    assert.match(error!.message, /HTTP 404 to POST \/broker\/export\/request-bundle\/0/);
  });

  it('retries the export and the download together when the download fails', async () => {
    emulator.setFaults({ seed: 3, routes: { download: { errorRate: 0.5, status: 502 } } });
    const broker = reader({ retries: 10 });
    const bundle = await broker.openBundle('0');
    assert.equal(await consume(bundle.stream), bundle.size);
  });
});

describe('broker client faults: broken connections', () => {
  it('reports a dropped connection as BROKER_NETWORK after retrying it', async () => {
    emulator.setFaults({ routes: { filtered: { drop: true } } });
    let error;
    assert.equal(await served(async () => (error = await failure(reader({ retries: 2 }).readSnapshot('rki')))), 3);
    assert.equal(error!.code, 'BROKER_NETWORK');
    assert.match(error!.message, /GET \/broker\/request\/filtered/);
  });

  it('survives connections dropped now and then', async () => {
    emulator.setFaults({ seed: 11, routes: { any: { dropRate: 0.3 } } });
    assert.equal((await reader({ retries: 8 }).readSnapshot('rki')).requests.length, 3);
  });

  it('detects a truncated status list (fewer bytes than Content-Length) and retries it', async () => {
    emulator.setFaults({ routes: { status: { truncate: true } } });
    let error;
    assert.equal(await served(async () => (error = await failure(reader({ retries: 1 }).readSnapshot('rki')))), 1 + 2);
    assert.equal(error!.code, 'BROKER_NETWORK');
    assert.match(error!.problems[0]!.detail, /the status of request 0: .*(truncated|closed)/);
  });

  it('fails a truncated bundle stream instead of passing on half a zip', async () => {
    emulator.setFaults({ routes: { download: { truncate: true } } });
    const bundle = await reader().openBundle('0');
    const error = await failure(consume(bundle.stream));
    assert.equal(error.code, 'BROKER_NETWORK');
    assert.match(error.message, /GET \/broker\/download\/\{uuid\} \(request 0\)/);
    assert.doesNotMatch(JSON.stringify(error.problems), /[0-9a-f]{8}-[0-9a-f]{4}-/, 'the download id stays out of messages');
  });

  it('reports an unreachable broker as BROKER_NETWORK', async () => {
    const gone = await startBrokerEmulator({ port: 0 });
    await gone.close();
    const error = await failure(reader({ url: gone.url, retries: 1 }).readSnapshot('rki'));
    assert.equal(error.code, 'BROKER_NETWORK');
    const port = new URL(gone.url).port;
    assert.equal(error.message, `The broker at 127.0.0.1:${port} refused the connection (GET /broker/request/filtered)`);
    assert.match(error.problems[0]!.detail!, /ECONNREFUSED/);
    assert.match(error.problems[0]!.hint!, new RegExp(`running and listening on 127\\.0\\.0\\.1:${port}`));
  });

  it('reports no retry for a call cut because the client closes (the run failed elsewhere)', async () => {
    emulator.setFaults({ routes: { filtered: { latencyMs: 2000 } } });
    const events: AppEvent[] = [];
    const broker = reader({ retries: 3, onEvent: (e) => events.push(e) });
    const reading = failure(broker.readSnapshot('rki'));
    await sleep(100);
    await broker.close();
    assert.equal((await reading).code, 'BROKER_NETWORK');
    assert.deepEqual(events, [], 'no retry warning about the broker');
  });
});

describe('broker client faults: time', () => {
  it('waits out added latency below the timeout', async () => {
    emulator.setFaults({ routes: { status: { latencyMs: 300 } } });
    const start = Date.now();
    assert.equal((await reader({ timeoutSeconds: 2 }).readSnapshot('rki')).requests.length, 3);
    assert.ok(Date.now() - start >= 3 * 290, 'three status calls, one at a time');
  });

  it('times out an answer slower than the timeout, and retries it', async () => {
    emulator.setFaults({ routes: { export: { latencyMs: 1500 } } });
    let error;
    assert.equal(await served(async () => (error = await failure(reader({ timeoutSeconds: 1, retries: 1 }).openBundle('0')))), 2);
    assert.equal(error!.code, 'BROKER_NETWORK');
    assert.match(error!.message, /POST \/broker\/export\/request-bundle\/0/);
    assert.match(error!.problems[0]!.detail, /no answer within 1 s/);
  });

  it('lets a slow but steady body finish, though it takes longer than the timeout', async () => {
    // A chunk every 250 ms against a 2 s read timeout: a busy machine may delay a chunk 8-fold
    // before the test means something else; the many chunks still take longer than one timeout.
    emulator.setFaults({ routes: { download: { slowBody: { chunkBytes: 8 * 1024, intervalMs: 250 } }, status: { slowBody: { chunkBytes: 100, intervalMs: 250 } } } });
    const broker = reader({ timeoutSeconds: 2 });
    const start = Date.now();
    assert.equal((await broker.readSnapshot('rki')).requests.length, 3);
    const bundle = await broker.openBundle('0');
    assert.equal(await consume(bundle.stream), bundle.size);
    assert.ok(Date.now() - start > 2000, 'longer in total than one timeout');
  });

  it('fails a body that stalls longer than the read timeout', async () => {
    emulator.setFaults({ routes: { download: { slowBody: { chunkBytes: 16 * 1024, intervalMs: 2500 } } } });
    const bundle = await reader({ timeoutSeconds: 1 }).openBundle('0');
    const error = await failure(consume(bundle.stream));
    assert.equal(error.code, 'BROKER_NETWORK');
    assert.match(error.problems[0]!.detail!, /no data for 1 s/);
  });

  it('does not count the time the consumer holds the stream back', async () => {
    const bundle = await reader({ timeoutSeconds: 1 }).openBundle('0');
    await sleep(1600); // a slow upload on the other side
    assert.equal(await consume(bundle.stream), bundle.size);
  });
});

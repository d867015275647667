/**
 * The emulator's fault injection and counters: each fault kind does what it says, on any route,
 * and a seed makes the error draws repeatable.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { BrokerDriver } from '../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator, type FaultConfig } from '../../integration/broker-emulator/index.js';

let emulator: BrokerEmulator;
const admin = { Authorization: 'Bearer xxxAdmin1234' };
const status = (id = '0') => fetch(`${emulator.url}/broker/request/${id}/status`, { headers: admin });

/** A raw GET that reports what arrived, without fetch's own checks in the way. */
function rawGet(path: string): Promise<{ status: number; declared: number; received: number; complete: boolean; firstByteMs: number; elapsedMs: number } | { error: string }> {
  const start = Date.now();
  return new Promise((resolve) => {
    const request = http.get(`${emulator.url}${path}`, { headers: admin, agent: false }, (response) => {
      const firstByteMs = Date.now() - start;
      let received = 0;
      response.on('data', (chunk: Buffer) => (received += chunk.length));
      response.on('error', () => undefined);
      response.on('close', () =>
        resolve({ status: response.statusCode!, declared: Number(response.headers['content-length']), received, complete: response.complete, firstByteMs, elapsedMs: Date.now() - start }),
      );
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
}

before(async () => {
  emulator = await startBrokerEmulator({ port: 0 });
  const driver = new BrokerDriver(emulator.url);
  const id = await driver.createRequest({ tags: ['rki'] });
  for (const key of ['xxxApiKey123', 'xxxApiKey567', 'xxxApiKey890']) await driver.node(key).postStatus(id, 'completed', { message: 'x'.repeat(400) });
});
beforeEach(() => emulator.setFaults({}));
after(async () => emulator?.close());

describe('broker emulator faults', () => {
  it('are off by default', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await status()).status, 200);
  });

  it('inject an error status at the given rate, the same sequence for the same seed, per route', async () => {
    const sequence = async (config: FaultConfig) => {
      emulator.setFaults(config);
      const codes: number[] = [];
      for (let i = 0; i < 24; i++) codes.push((await status()).status);
      return codes.join(',');
    };
    const config: FaultConfig = { seed: 42, routes: { status: { errorRate: 0.5, status: 503 } } };
    const first = await sequence(config);
    assert.match(first, /503/);
    assert.match(first, /200/);
    assert.equal(await sequence(config), first, 'the same seed, the same draws');
    assert.notEqual(await sequence({ ...config, seed: 43 }), first);
    emulator.setFaults(config);
    assert.equal((await fetch(`${emulator.url}/broker/request`, { headers: admin })).status, 200, 'other routes are untouched');
  });

  it('drop the connection without an answer', async () => {
    emulator.setFaults({ routes: { status: { drop: true } } });
    assert.deepEqual(await rawGet('/broker/request/0/status'), { error: 'ECONNRESET' });
  });

  it('truncate a body after announcing its full length, on any route', async () => {
    emulator.setFaults({ routes: { any: { truncate: true } } });
    const answer = await rawGet('/broker/request/0/status');
    assert.ok('received' in answer && answer.received < answer.declared && !answer.complete, JSON.stringify(answer));
  });

  it('add latency before the answer', async () => {
    emulator.setFaults({ routes: { status: { latencyMs: 300 } } });
    const answer = await rawGet('/broker/request/0/status');
    assert.ok('firstByteMs' in answer && answer.firstByteMs >= 290, JSON.stringify(answer));
  });

  it('trickle a body in chunks, complete in the end', async () => {
    emulator.setFaults({ routes: { status: { slowBody: { chunkBytes: 400, intervalMs: 100 } } } });
    const answer = await rawGet('/broker/request/0/status');
    assert.ok('complete' in answer && answer.complete && answer.received === answer.declared, JSON.stringify(answer));
    const steps = Math.ceil(answer.declared / 400) - 1;
    assert.ok(answer.elapsedMs >= steps * 100 - 20, `${answer.elapsedMs} ms for ${steps} pauses`);
  });

  it('count connections and requests (keep-alive reuses a connection)', async () => {
    const before = emulator.stats();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve) => http.get(`${emulator.url}/broker/status`, { agent }, (r) => r.resume().on('end', resolve)));
    }
    agent.destroy();
    const after = emulator.stats();
    assert.deepEqual({ connections: after.connections - before.connections, requests: after.requests - before.requests }, { connections: 1, requests: 5 });
  });
});

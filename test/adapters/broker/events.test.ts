/**
 * The websocket event source against the emulator's real websocket: events from REST calls, a
 * reconnect (visible as disconnected → connected) after a drop or a dead link, refused keys,
 * wss:// with the CA bundle, and the API key in no message.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { describeSocketError, WebsocketBrokerEvents, websocketUrl, type BrokerEventsOptions } from '../../../src/adapters/broker/events.js';
import type { EventSourceState } from '../../../src/app/ports.js';
import type { BrokerEvent } from '../../../src/core/broker-event.js';
import { Secret } from '../../../src/core/secret.js';
import { BrokerDriver } from '../../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../../integration/broker-emulator/index.js';

let emulator: BrokerEmulator;
let driver: BrokerDriver;

/** Records what a subscription reports and lets a test wait for a condition on it. */
function recorder() {
  const events: BrokerEvent[] = [];
  const states: EventSourceState[] = [];
  const waiters: (() => void)[] = [];
  const poke = () => waiters.splice(0).forEach((w) => w());
  return {
    events,
    states,
    onEvent: (e: BrokerEvent) => (events.push(e), poke()),
    onState: (s: EventSourceState) => (states.push(s), poke()),
    /** Waits for the condition: woken by every report, and polled for server-side counters. */
    async until(condition: () => boolean): Promise<void> {
      while (!condition()) {
        await new Promise<void>((resolve) => {
          const poll = setTimeout(resolve, 5);
          waiters.push(() => (clearTimeout(poll), resolve()));
        });
      }
    },
  };
}

const source = (options: Partial<BrokerEventsOptions> & { key?: string; url?: string } = {}) =>
  new WebsocketBrokerEvents({
    broker: { url: options.url ?? emulator.url, apiKey: new Secret(options.key ?? 'xxxAdmin1234'), timeoutSeconds: 5 },
    initialBackoffMs: 5,
    maxBackoffMs: 20,
    ...options,
  });
const connectedCount = (states: EventSourceState[]) => states.filter((s) => s.connected).length;

before(async () => {
  emulator = await startBrokerEmulator({ port: 0 });
  driver = new BrokerDriver(emulator.url);
});
after(async () => emulator?.close());

describe('broker websocket event source', () => {
  it('reports connected after the welcome and delivers the events REST calls cause', async () => {
    const r = recorder();
    const subscription = source().subscribe(r.onEvent, r.onState);
    try {
      await r.until(() => connectedCount(r.states) === 1);
      const id = await driver.createRequest({ tags: ['rki'] });
      await driver.node('xxxApiKey123').postStatus(id, 'completed');
      await r.until(() => r.events.length >= 3);
      assert.deepEqual(r.events.slice(0, 2), [{ kind: 'created', requestId: id }, { kind: 'published', requestId: id }]);
      assert.equal(r.events[2]!.kind, 'status');
      assert.ok(!r.events.some((e) => e.kind === 'welcome' || e.kind === 'pong'), 'welcome and pong are the source\'s own business');
    } finally {
      await subscription.close();
    }
    assert.equal(emulator.websocket.stats().open, 0, 'close() closes the socket');
  });

  it('makes a dropped socket visible as disconnected, then reconnects', async () => {
    const r = recorder();
    const subscription = source().subscribe(r.onEvent, r.onState);
    try {
      await r.until(() => connectedCount(r.states) === 1);
      assert.equal(emulator.websocket.drop(), 1);
      await r.until(() => connectedCount(r.states) === 2);
      const down = r.states.find((s) => !s.connected);
      assert.ok(down && !down.connected);
      assert.match(down.reason, /closed by the broker \(code 1006\)/);
      assert.ok(down.retryInMs >= 2 && down.retryInMs <= 5, `first retry within the first backoff step: ${down.retryInMs}`);
      const id = await driver.createRequest({ tags: ['rki'], publish: false });
      await r.until(() => r.events.some((e) => e.kind === 'created' && e.requestId === id));
    } finally {
      await subscription.close();
    }
  });

  it('notices a dead link by the missing pong and reconnects', async () => {
    const r = recorder();
    const subscription = source({ pingIntervalMs: 20, pongTimeoutMs: 200 }).subscribe(r.onEvent, r.onState);
    try {
      await r.until(() => connectedCount(r.states) === 1);
      const pings = emulator.websocket.stats().pings;
      await r.until(() => emulator.websocket.stats().pings >= pings + 2 || r.states.length > 1); // pings answered: still up
      assert.equal(r.states.length, 1, 'answered pings keep the session');
      emulator.websocket.answerPings(false);
      await r.until(() => r.states.some((s) => !s.connected));
      emulator.websocket.answerPings(true);
      const down = r.states.find((s) => !s.connected);
      assert.ok(down && !down.connected && /no pong within 0.2 s/.test(down.reason), JSON.stringify(down));
      await r.until(() => connectedCount(r.states) === 2);
    } finally {
      emulator.websocket.answerPings(true);
      await subscription.close();
    }
  });

  it('keeps retrying a refused key with growing delays, and names the key in no message', async () => {
    for (const key of ['xxxApiKey123', 'not-a-key-4711']) {
      const r = recorder();
      // Jitter drawn as 0: half of 5, 10, 20 (the cap), 20 ms.
      const subscription = source({ key, random: () => 0 }).subscribe(r.onEvent, r.onState);
      try {
        await r.until(() => r.states.length >= 4);
        assert.ok(r.states.every((s) => !s.connected));
        assert.deepEqual(r.states.slice(0, 4).map((s) => (s.connected ? 0 : s.retryInMs)), [3, 5, 10, 10], 'exponential backoff, capped, jitter from the source');
        const reasons = r.states.map((s) => (s.connected ? '' : s.reason));
        assert.match(reasons[0]!, key === 'xxxApiKey123' ? /before its welcome.*admin key/ : /refused the handshake.*API_KEY/);
        for (const reason of reasons) assert.ok(!reason.includes(key), reason);
      } finally {
        await subscription.close();
      }
    }
  });

  it('says the real welcome wait, and blames a wrong Sec-WebSocket-Accept on no key', async () => {
    const { WebSocketServer } = await import('ws');
    const silent = new WebSocketServer({ port: 0, host: '127.0.0.1' }); // accepts, never welcomes
    const wrong = createServer();
    wrong.on('upgrade', (_request, socket) => socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: d3Jvbmc=\r\n\r\n'));
    await new Promise<void>((resolve) => wrong.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => (silent.address() ? resolve() : silent.once('listening', () => resolve())));
    const urlOf = (port: number) => `http://127.0.0.1:${port}/`;
    const cases: [string, number, RegExp][] = [
      ['no welcome', (silent.address() as AddressInfo).port, /no welcome from the broker within 0\.2 s of connecting/],
      ['a wrong accept header', (wrong.address() as AddressInfo).port, /wrong Sec-WebSocket-Accept header: what answered is not a correct WebSocket server .*the API key was not judged/],
    ];
    try {
      for (const [name, port, reason] of cases) {
        const r = recorder();
        const subscription = source({ url: urlOf(port), pongTimeoutMs: 100 }).subscribe(r.onEvent, r.onState);
        try {
          await r.until(() => r.states.length >= 1);
          const down = r.states[0]!;
          assert.ok(!down.connected && reason.test(down.reason), `${name}: ${JSON.stringify(down)}`);
          assert.ok(name === 'no welcome' || !/API_KEY/.test(down.reason), 'not blamed on the key');
        } finally {
          await subscription.close();
        }
      }
    } finally {
      await new Promise((resolve) => silent.close(resolve));
      wrong.closeAllConnections();
      await new Promise((resolve) => wrong.close(resolve));
    }
  });

  it('tells a refused key (no Sec-WebSocket-Accept) from a wrong header', () => {
    const error = new Error('Invalid Sec-WebSocket-Accept header');
    assert.match(describeSocketError(error, 'missing'), /refused the handshake \(no Sec-WebSocket-Accept\): check \[BROKER\] API_KEY/);
    assert.match(describeSocketError(error, undefined), /check \[BROKER\] API_KEY/);
    assert.match(describeSocketError(error, 'present'), /wrong Sec-WebSocket-Accept header/);
    assert.equal(describeSocketError(new Error('Unexpected server response: 401')), 'the upgrade was answered with HTTP: 401');
  });

  it('reports a broker that is not there as disconnected', async () => {
    const r = recorder();
    const closed = await startBrokerEmulator({ port: 0 });
    const url = closed.url;
    await closed.close();
    const subscription = source({ url }).subscribe(r.onEvent, r.onState);
    try {
      await r.until(() => r.states.length >= 1);
      assert.ok(!r.states[0]!.connected && /ECONNREFUSED/.test(r.states[0]!.reason));
    } finally {
      await subscription.close();
    }
  });

  it('speaks wss:// trusting the CA bundle, and refuses an untrusted certificate', async () => {
    const cert = 'test/fixtures/broker/tls-cert.pem';
    const tls = await startBrokerEmulator({ port: 0, tls: { key: readFileSync('test/fixtures/broker/tls-key.pem'), cert: readFileSync(cert) } });
    try {
      const trusted = recorder();
      const ok = source({ url: tls.url, caBundle: cert }).subscribe(trusted.onEvent, trusted.onState);
      await trusted.until(() => trusted.states.length >= 1);
      await ok.close();
      assert.deepEqual(trusted.states[0], { connected: true });
      const untrusted = recorder();
      const refused = source({ url: tls.url }).subscribe(untrusted.onEvent, untrusted.onState);
      await untrusted.until(() => untrusted.states.length >= 1);
      await refused.close();
      const state = untrusted.states[0]!;
      assert.ok(!state.connected && /not trusted.*REQUESTS_CA_BUNDLE/.test(state.reason), JSON.stringify(state));
    } finally {
      await tls.close();
    }
  });

  it('derives the websocket URL from the broker URL', () => {
    assert.equal(websocketUrl('http://127.0.0.1:8080'), 'ws://127.0.0.1:8080/broker/websocket');
    assert.equal(websocketUrl('https://broker.example.org/aktin/'), 'wss://broker.example.org/aktin/broker/websocket');
  });
});

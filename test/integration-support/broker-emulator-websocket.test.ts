/**
 * The emulator's admin websocket (docs/broker-protocol.md §8): tests drive the broker through its
 * REST API and watch the socket, so the frames must come from the calls that cause them, in the
 * broker's formats, and the test aids must do what they say.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { BrokerDriver } from '../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../integration/broker-emulator/index.js';

let emulator: BrokerEmulator;
let driver: BrokerDriver;
const opened: WebSocket[] = [];

/** A socket with a queue of received text frames. */
async function connect(key = 'xxxAdmin1234'): Promise<{ ws: WebSocket; next: () => Promise<string>; closed: Promise<[number, Buffer]> }> {
  const ws = new WebSocket(`${emulator.url.replace(/^http/, 'ws')}/broker/websocket`, { headers: { Authorization: `Bearer ${key}` } });
  opened.push(ws);
  const frames: string[] = [];
  const waiting: ((frame: string) => void)[] = [];
  ws.on('message', (data) => {
    const frame = data.toString();
    const waiter = waiting.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const closed = once(ws, 'close') as Promise<[number, Buffer]>;
  await once(ws, 'open');
  const next = () => (frames.length > 0 ? Promise.resolve(frames.shift()!) : new Promise<string>((resolve) => waiting.push(resolve)));
  return { ws, next, closed };
}

/** Waits for a condition the server side makes true (no fixed sleep). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

before(async () => {
  emulator = await startBrokerEmulator({ port: 0 });
  driver = new BrokerDriver(emulator.url);
});
after(async () => {
  for (const ws of opened) ws.terminate();
  await emulator?.close();
});

describe('broker emulator: the admin websocket (§8)', () => {
  it('welcomes an admin and sends one frame per REST change, in the broker formats', async () => {
    const socket = await connect();
    assert.equal(await socket.next(), 'welcome Admin');
    const id = await driver.createRequest({ tags: ['rki'] });
    assert.equal(await socket.next(), `created ${id}`);
    assert.equal(await socket.next(), `published ${id}`);
    const node = driver.node('xxxApiKey123');
    await node.postStatus(id, 'retrieved');
    const nid = /^status \d+ (\d+) retrieved$/.exec(await socket.next())?.[1];
    assert.ok(nid !== undefined, 'status {rid} {nid} {status}');
    await node.putResult(id, 'a;b\n', 'text/csv; charset=UTF-8');
    assert.equal(await socket.next(), `result ${id} ${nid} text/csv; charset=UTF-8`, 'the media type as stored, parameters kept');
    await node.postStatus(id, 'completed');
    assert.equal(await socket.next(), `status ${id} ${nid} completed`);
    await driver.close(id);
    assert.equal(await socket.next(), `closed ${id}`);
    await driver.deleteRequest(id); // deletions are not announced: the next frame is the pong
    socket.ws.send('ping after-delete');
    assert.equal(await socket.next(), 'pong after-delete');
    socket.ws.close();
  });

  it('refuses node keys after the handshake and aborts it for unknown keys', async () => {
    const before = emulator.websocket.stats().refused;
    const node = await connect('xxxApiKey567');
    const [code] = await node.closed;
    assert.equal(code, 1000, 'the broker closes a node session at once');
    const unknown = new WebSocket(`${emulator.url.replace(/^http/, 'ws')}/broker/websocket`, { headers: { Authorization: 'Bearer nope' } });
    opened.push(unknown);
    const [error] = (await once(unknown, 'error')) as [Error];
    assert.match(error.message, /Sec-WebSocket-Accept/);
    const none = new WebSocket(`${emulator.url.replace(/^http/, 'ws')}/broker/websocket`);
    opened.push(none);
    await once(none, 'error');
    assert.equal(emulator.websocket.stats().refused, before + 3);
    const elsewhere = new WebSocket(`${emulator.url.replace(/^http/, 'ws')}/broker/request/websocket`, { headers: { Authorization: 'Bearer xxxAdmin1234' } });
    opened.push(elsewhere);
    const [wrong] = (await once(elsewhere, 'error')) as [Error];
    assert.match(wrong.message, /404/);
  });

  it('drops sockets, loses and delays frames on request, and can stop answering pings', async () => {
    const socket = await connect();
    assert.equal(await socket.next(), 'welcome Admin');
    emulator.websocket.loseFrames(2);
    const id = await driver.createRequest({ tags: ['rki'] }); // created + published: both lost
    await driver.close(id);
    assert.equal(await socket.next(), `closed ${id}`);
    assert.equal(emulator.websocket.stats().lost, 2);

    emulator.websocket.delayFrames(50);
    await driver.close(id);
    await driver.publish(id);
    emulator.websocket.delayFrames(0);
    assert.equal(await socket.next(), `closed ${id}`, 'delayed frames keep their order');
    assert.equal(await socket.next(), `published ${id}`);

    emulator.websocket.answerPings(false);
    const pings = emulator.websocket.stats().pings;
    socket.ws.send('ping 1');
    await until(() => emulator.websocket.stats().pings > pings);
    emulator.websocket.answerPings(true);
    socket.ws.send('ping 2');
    assert.equal(await socket.next(), 'pong 2', 'ping 1 went unanswered');

    assert.equal(emulator.websocket.drop(), 1);
    const [code] = await socket.closed;
    assert.equal(code, 1006, 'dropped without a close frame');
    assert.equal(emulator.websocket.stats().open, 0);
  });

  it('can keep the websocket down after a drop', async () => {
    emulator.websocket.acceptSessions(false);
    try {
      const refused = new WebSocket(`${emulator.url.replace(/^http/, 'ws')}/broker/websocket`, { headers: { Authorization: 'Bearer xxxAdmin1234' } });
      opened.push(refused);
      const [error] = (await once(refused, 'error')) as [Error];
      assert.match(error.message, /503/);
    } finally {
      emulator.websocket.acceptSessions(true);
    }
    const socket = await connect();
    assert.equal(await socket.next(), 'welcome Admin');
    socket.ws.close();
  });

  it('closes an idle session after the idle timeout', async () => {
    emulator.websocket.idleTimeout(100);
    try {
      const socket = await connect();
      const [code] = await socket.closed;
      assert.equal(code, 1001);
    } finally {
      emulator.websocket.idleTimeout(0);
    }
  });

  it('counts calls per route, so a test can tell that no status was read', async () => {
    const before = emulator.stats().calls.status ?? 0;
    const id = await driver.createRequest({ tags: ['rki'] });
    assert.equal(emulator.stats().calls.status ?? 0, before);
    await fetch(`${emulator.url}/broker/request/${id}/status`, { headers: { Authorization: 'Bearer xxxAdmin1234' } }).then((r) => r.text());
    assert.equal(emulator.stats().calls.status, before + 1);
    assert.ok((emulator.stats().calls.create ?? 0) >= 1);
  });
});

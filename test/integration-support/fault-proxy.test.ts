/**
 * The TCP fault proxy over real sockets: a target that greets each connection with 20 bytes and
 * echoes what it receives; each fault does what it says, in each direction, and counts bytes.
 */
import assert from 'node:assert/strict';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { startFaultProxy, type FaultProxy } from '../../integration/fault-proxy.js';

const GREETING = Buffer.from('0123456789abcdefghij');
let target: Server;
let received: Buffer[] = [];
let targetClosed = 0;
let proxy: FaultProxy | undefined;

before(async () => {
  target = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.on('close', () => targetClosed++);
    socket.write(GREETING);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      socket.write(chunk);
    });
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
});
after(() => new Promise<void>((resolve) => target.close(() => resolve())));
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
  received = [];
});

const port = () => (target.address() as AddressInfo).port;

/** Connects through the proxy, sends `send`, and reports what came back and how it ended. */
function visit(via: FaultProxy, send = Buffer.alloc(0), options: { until?: (got: Buffer) => boolean; socket?: (s: Socket) => void } = {}) {
  return new Promise<{ got: Buffer; chunks: number; ended: string; socket: Socket }>((resolve) => {
    const socket = new Socket();
    options.socket?.(socket);
    const parts: Buffer[] = [];
    let ended: string = 'close';
    const done = () => resolve({ got: Buffer.concat(parts), chunks: parts.length, ended, socket });
    socket.on('data', (chunk: Buffer) => {
      parts.push(chunk);
      if (options.until?.(Buffer.concat(parts))) done();
    });
    socket.on('end', () => (ended = 'end'));
    socket.on('error', (error: NodeJS.ErrnoException) => (ended = error.code ?? error.message));
    socket.on('close', done);
    socket.connect(via.port, via.host, () => send.length > 0 && socket.write(send));
  });
}

const eventually = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'condition not reached');
};

describe('TCP fault proxy', () => {
  it('passes bytes both ways unchanged and counts them', async () => {
    proxy = await startFaultProxy({ target: { port: port() } });
    const ping = Buffer.from('ping!');
    const { got, socket } = await visit(proxy, ping, { until: (b) => b.length >= GREETING.length + ping.length });
    socket.destroy();
    assert.deepEqual(got, Buffer.concat([GREETING, ping]));
    await eventually(() => proxy!.stats().bytesDown === 25);
    await eventually(() => proxy!.stats().open === 0);
    assert.deepEqual(proxy.stats(), { connections: 1, open: 0, faulted: 0, bytesUp: 5, bytesDown: 25 });
  });

  it('cut down after K bytes: the client gets exactly K bytes, then a clean end', async () => {
    for (const k of [0, 1, 7, 19]) {
      proxy = await startFaultProxy({ target: { port: port() }, fault: { kind: 'cut', direction: 'down', afterBytes: k } });
      const { got, ended } = await visit(proxy);
      assert.deepEqual(got, GREETING.subarray(0, k), `K=${k}`);
      assert.equal(ended, 'end', `K=${k}`);
      assert.equal(proxy.stats().faulted, 1);
      await proxy.stop();
      proxy = undefined;
    }
  });

  it('cut up after K bytes: the target gets exactly K bytes, the client sees the end', async () => {
    const closedBefore = targetClosed;
    proxy = await startFaultProxy({ target: { port: port() }, fault: { kind: 'cut', direction: 'up', afterBytes: 3 } });
    const { ended } = await visit(proxy, Buffer.from('abcdefghij'));
    assert.equal(ended, 'end');
    await eventually(() => targetClosed > closedBefore);
    assert.equal(Buffer.concat(received).toString(), 'abc');
    assert.equal(proxy.stats().bytesUp, 3);
  });

  it('reset: the client gets ECONNRESET', async () => {
    proxy = await startFaultProxy({ target: { port: port() }, fault: { kind: 'reset', direction: 'down', afterBytes: 0 } });
    const { got, ended } = await visit(proxy);
    assert.equal(ended, 'ECONNRESET');
    assert.equal(got.length, 0);
  });

  it('stall: nothing is forwarded and nothing closed until stop()', async () => {
    proxy = await startFaultProxy({ target: { port: port() }, fault: { kind: 'stall', direction: 'down', afterBytes: 4 } });
    let settled = false;
    let client: Socket | undefined;
    const visiting = visit(proxy, Buffer.alloc(0), { socket: (s) => (client = s) }).finally(() => (settled = true));
    await eventually(() => proxy!.stats().faulted === 1);
    client!.write('hello');
    // Some time for bytes or a close that should not come; a slow machine only makes this weaker, never red.
    await new Promise((r) => setTimeout(r, 300));
    const before = proxy.stats();
    assert.equal(settled, false, 'the stalled connection stays open');
    await proxy.stop();
    proxy = undefined;
    const { got } = await visiting;
    assert.deepEqual(got, GREETING.subarray(0, 4));
    assert.equal(before.bytesDown, 4);
    assert.equal(received.length, 0, 'nothing reached the target after the stall began');
  });

  it('drip: the bytes arrive complete, one per interval', async () => {
    proxy = await startFaultProxy({ target: { port: port() }, fault: { kind: 'drip', direction: 'down', afterBytes: 2, intervalMs: 15 } });
    const { got, chunks, socket } = await visit(proxy, Buffer.alloc(0), { until: (b) => b.length >= GREETING.length });
    socket.destroy();
    assert.deepEqual(got, GREETING);
    assert.ok(chunks >= 3, `${chunks} chunks: not dripped`);
  });

  it('drip with bytesPerTick: a throttle that delivers everything, in order, no faster than the ticks allow', async () => {
    proxy = await startFaultProxy({ target: { port: port() }, fault: { kind: 'drip', direction: 'up', afterBytes: 0, intervalMs: 20, bytesPerTick: 10_000 } });
    const sent = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
    const start = performance.now();
    const { socket } = await visit(proxy, sent, { until: (b) => b.length >= GREETING.length + sent.length });
    const elapsed = performance.now() - start;
    socket.destroy();
    assert.deepEqual(Buffer.concat(received), sent);
    // Ten ticks of 10,000 bytes; timers never fire early, so nine intervals at least (a lower bound only).
    assert.ok(elapsed >= 9 * 20 * 0.9, `${elapsed.toFixed(0)} ms: not throttled`);
    assert.equal(proxy.stats().bytesUp, sent.length);
  });

  it('faults only the first N connections when asked, then passes', async () => {
    proxy = await startFaultProxy({ target: { port: port() }, fault: { kind: 'cut', direction: 'down', afterBytes: 0 }, faultyConnections: 1 });
    assert.equal((await visit(proxy)).got.length, 0);
    const second = await visit(proxy, Buffer.alloc(0), { until: (b) => b.length >= GREETING.length });
    second.socket.destroy();
    assert.deepEqual(second.got, GREETING);
    proxy.setFault({ kind: 'reset', direction: 'up', afterBytes: 0 }, 1);
    assert.equal((await visit(proxy)).ended, 'ECONNRESET');
    assert.deepEqual({ connections: proxy.stats().connections, faulted: proxy.stats().faulted }, { connections: 3, faulted: 2 });
  });

  it('breakOpen stalls or resets the connections open now, not later ones', async () => {
    proxy = await startFaultProxy({ target: { port: port() } });
    let client: Socket | undefined;
    let settled = false;
    const first = visit(proxy, Buffer.alloc(0), { socket: (s) => (client = s) }).finally(() => (settled = true));
    await eventually(() => proxy!.stats().bytesDown === GREETING.length);
    assert.equal(proxy.breakOpen('stall'), 1);
    client!.write('lost');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(settled, false);
    assert.equal(received.length, 0, 'the stalled connection forwards nothing');
    const second = await visit(proxy, Buffer.alloc(0), { until: (b) => b.length >= GREETING.length });
    second.socket.destroy();
    assert.deepEqual(second.got, GREETING, 'a new connection passes');
    await eventually(() => proxy!.stats().open === 1);
    assert.equal(proxy.breakOpen('reset'), 1);
    assert.equal((await first).ended, 'ECONNRESET');
  });

  it('stop() closes open connections and the listener', async () => {
    proxy = await startFaultProxy({ target: { port: port() } });
    const open = visit(proxy);
    await eventually(() => proxy!.stats().bytesDown === GREETING.length);
    const { port: was } = proxy;
    await proxy.stop();
    proxy = undefined;
    await open;
    const refused = await new Promise<string>((resolve) => new Socket().on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')).connect(was, '127.0.0.1'));
    assert.equal(refused, 'ECONNREFUSED');
  });
});

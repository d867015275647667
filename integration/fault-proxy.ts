/**
 * A real TCP fault proxy for tests: listens on 127.0.0.1 and forwards every connection to a
 * target (the test sshd, the broker emulator), optionally with one fault per connection:
 *
 *   const proxy = await startFaultProxy({ target: { port }, fault: { kind: 'cut', direction: 'down', afterBytes: 100 } });
 *   connect to 127.0.0.1:proxy.port …; proxy.stats(); proxy.setFault({ kind: 'pass' }); await proxy.stop();
 *
 * Directions: 'up' is client → target, 'down' is target → client. A fault starts once `afterBytes`
 * bytes have been forwarded in its direction (0: at once, on accept):
 * - cut:   both sides are closed cleanly (FIN); later bytes are dropped.
 * - reset: the client gets a TCP RST (socket.resetAndDestroy), the target a close. Bytes still in
 *          flight may be lost, as with a real reset.
 * - stall: nothing more is forwarded either way and nothing is closed (a silent server when
 *          'down' at 0, a dead link later on); the sockets stay open until the client or stop()
 *          closes them (the client's later bytes are read and dropped; the target is not read).
 * - drip:  from then on that direction delivers one byte (or `bytesPerTick`) per `intervalMs`; the
 *          other flows freely. With a larger tick it is a throttle: a big upload that stays in
 *          flight for seconds, yet finishes.
 * `faultyConnections` limits the fault to the first N connections accepted after it was set (to
 * test a retry that succeeds); later ones pass unharmed. `breakOpen(kind)` starts a cut, reset or
 * stall at once on every connection open now (a link that dies after the session is up).
 * stop() closes the listener and every socket.
 */
import { createServer, Socket, type AddressInfo } from 'node:net';

export type Direction = 'up' | 'down';

export type Fault =
  | { readonly kind: 'pass' }
  | { readonly kind: 'cut' | 'reset' | 'stall'; readonly direction: Direction; readonly afterBytes: number }
  | { readonly kind: 'drip'; readonly direction: Direction; readonly afterBytes: number; readonly intervalMs: number; readonly bytesPerTick?: number };

export interface FaultProxyStats {
  /** Connections accepted so far. */
  readonly connections: number;
  /** Client connections open now. */
  readonly open: number;
  /** Connections on which the fault started. */
  readonly faulted: number;
  /** Bytes forwarded client → target and target → client, over all connections. */
  readonly bytesUp: number;
  readonly bytesDown: number;
}

export interface FaultProxy {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Applies to connections accepted from now on (the first `faultyConnections` of them; default all). */
  setFault(fault: Fault, faultyConnections?: number): void;
  /** Cuts, resets or stalls every connection open now; returns how many. */
  breakOpen(kind: 'cut' | 'reset' | 'stall'): number;
  stats(): FaultProxyStats;
  stop(): Promise<void>;
}

export async function startFaultProxy(options: { target: { host?: string; port: number }; fault?: Fault; faultyConnections?: number }): Promise<FaultProxy> {
  let fault: Fault = options.fault ?? { kind: 'pass' };
  let budget = options.faultyConnections ?? Infinity;
  const stats = { connections: 0, faulted: 0, bytesUp: 0, bytesDown: 0 };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const open = new Map<Socket, (kind: 'cut' | 'reset' | 'stall') => void>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // a peer's reset is an expected event here
  };

  const server = createServer((client) => {
    stats.connections++;
    const mine: Fault = budget > 0 ? fault : { kind: 'pass' };
    if (budget > 0) budget--;
    const target = new Socket();
    track(client);
    track(target);
    target.connect({ host: options.target.host ?? '127.0.0.1', port: options.target.port });
    const ends = { up: target, down: client } as const;
    const sources = { up: client, down: target } as const;
    const forwarded = { up: 0, down: 0 };
    let state: 'flowing' | 'cut' | 'stalled' | 'dripping' = 'flowing';
    const drip: Buffer[] = [];

    const start = (now: Fault = mine) => {
      if (now.kind === 'pass' || state === 'cut' || (state === 'stalled' && now.kind === 'stall')) return;
      stats.faulted++;
      if (now.kind === 'cut') {
        state = 'cut';
        for (const socket of [client, target]) socket.end();
        // A peer that never answers our FIN is closed for it; unref'd, stop() does it anyway.
        const timer = setTimeout(() => [client, target].forEach((s) => s.destroy()), 2000).unref();
        timers.add(timer);
      } else if (now.kind === 'reset') {
        state = 'cut';
        target.destroy();
        client.resetAndDestroy();
      } else if (now.kind === 'stall') {
        state = 'stalled';
        // The target is not read any more; the client is read and its bytes dropped, so that a
        // client that gives up is noticed and its target connection freed (sshd's MaxStartups).
        target.pause();
        client.resume();
      } else if (now.kind === 'drip') {
        const { direction, intervalMs } = now;
        const tick = Math.max(1, now.bytesPerTick ?? 1);
        state = 'dripping';
        const timer = setInterval(() => {
          if (drip.length === 0 || state !== 'dripping' || ends[direction].destroyed) return;
          let budget = tick;
          while (budget > 0 && drip.length > 0) {
            const head = drip[0]!;
            const part = head.subarray(0, budget);
            ends[direction].write(part);
            count(direction, part.length);
            budget -= part.length;
            if (head.length > part.length) drip[0] = head.subarray(part.length);
            else drip.shift();
          }
          if (drip.length === 0) sources[direction].resume();
        }, intervalMs);
        timers.add(timer);
        client.once('close', () => clearInterval(timer));
      }
    };
    const count = (direction: Direction, n: number) => {
      forwarded[direction] += n;
      if (direction === 'up') stats.bytesUp += n;
      else stats.bytesDown += n;
    };

    for (const direction of ['up', 'down'] as const) {
      const from = sources[direction];
      const to = ends[direction];
      from.on('data', (chunk: Buffer) => {
        if (state === 'cut' || state === 'stalled') return;
        if (state === 'dripping' && mine.kind === 'drip' && mine.direction === direction) {
          drip.push(chunk);
          from.pause(); // resumed when the drip has delivered what it holds
          return;
        }
        const limit = mine.kind !== 'pass' && mine.direction === direction && state === 'flowing' ? mine.afterBytes - forwarded[direction] : Infinity;
        const now = chunk.length > limit ? chunk.subarray(0, limit) : chunk;
        if (now.length > 0 && !to.write(now)) {
          from.pause();
          to.once('drain', () => state === 'flowing' && from.resume());
        }
        count(direction, now.length);
        if (forwarded[direction] >= limit) {
          const rest = chunk.subarray(now.length);
          start();
          if (state === 'dripping' && rest.length > 0) {
            drip.push(rest);
            from.pause();
          }
        }
      });
      // Half-closes pass through while flowing; a stalled link passes nothing.
      from.on('end', () => state !== 'stalled' && to.end());
    }
    // A client that gives up frees the target at once (a stalled sshd connection counts against
    // its MaxStartups); a target that goes away is not noticed by the client through a stall.
    client.on('close', () => target.destroy());
    target.on('close', () => state !== 'stalled' && client.destroy());
    open.set(client, (kind) => start({ kind, direction: 'down', afterBytes: 0 }));
    client.once('close', () => open.delete(client));
    if (mine.kind !== 'pass' && mine.afterBytes <= 0) start();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });

  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    setFault(next, faultyConnections = Infinity) {
      fault = next;
      budget = faultyConnections;
    },
    breakOpen(kind) {
      const now = [...open.values()];
      now.forEach((apply) => apply(kind));
      return now.length;
    },
    stats: () => ({ ...stats, open: open.size }),
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/**
 * Opening the SSH/SFTP connection against the real test sshd through the TCP fault proxy: a cut at
 * many byte offsets of the handshake in both directions, a reset, a silent server, a stall during
 * and after set-up. Each ends in REMOTE_CONNECTION naming user@host:port and the reason, settles,
 * shows no secret and leaves nothing uncaught; drops before the session are retried, a refused
 * login or host key never. Durations are printed (t.diagnostic) for the report, asserted only loosely.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it, type TestContext } from 'node:test';
import { connectSftp, type ConnectRetry } from '../src/adapters/sftp/connect.js';
import { openRemoteFolder } from '../src/adapters/sftp/ssh2.js';
import type { SftpConfig } from '../src/core/config.js';
import { isProblemError, type ProblemError } from '../src/core/problem.js';
import { Secret } from '../src/core/secret.js';
import { startFaultProxy, type Fault, type FaultProxy } from './fault-proxy.js';
import { sftpConfigOf, sshdTarget } from './support/e2e-world.js';

const target = sshdTarget();
const FAST: ConnectRetry = { attempts: 3, backoffMs: 20 };
let proxy: FaultProxy;
const uncaught: unknown[] = [];
const record = (error: unknown) => uncaught.push(error);

before(async () => {
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  proxy = await startFaultProxy({ target: { port: target.port } });
});
afterEach(() => proxy.setFault({ kind: 'pass' }));
after(async () => {
  await proxy.stop();
  process.off('uncaughtException', record);
  process.off('unhandledRejection', record);
  assert.deepEqual(uncaught, [], 'nothing uncaught');
});

const viaProxy = (change: Partial<SftpConfig> = {}): SftpConfig => sftpConfigOf(target, { port: proxy.port, timeoutSeconds: 5, ...change });

/** Connects with the fault set for new connections; returns the problem, how long it took and how many connections were made. */
async function failure(t: TestContext, fault: Fault, change: Partial<SftpConfig> = {}, retry = FAST): Promise<{ error: ProblemError; ms: number; connections: number }> {
  proxy.setFault(fault);
  const before = proxy.stats().connections;
  const started = Date.now();
  const error = await connectSftp(viaProxy(change), retry).then(
    (c) => {
      c.conn.end();
      return assert.fail(`connected despite ${JSON.stringify(fault)}`);
    },
    (e: unknown) => e,
  );
  const ms = Date.now() - started;
  assert.ok(isProblemError(error), `a problem, not ${String(error)}`);
  const text = JSON.stringify(error.problems) + error.message;
  assert.ok(!text.includes(target.password), 'no password in the message');
  assert.doesNotMatch(text, /\n\s+at /, 'no stack trace');
  const connections = proxy.stats().connections - before;
  t.diagnostic(`${JSON.stringify(fault)} → ${error.code} in ${ms} ms after ${connections} connection(s): ${error.problems[0]!.detail}`);
  return { error, ms, connections };
}

const expectConnection = (error: ProblemError, reason: RegExp) => {
  assert.equal(error.code, 'REMOTE_CONNECTION');
  assert.match(error.message, new RegExp(`${target.username}@127\\.0\\.0\\.1:${proxy.port}`));
  assert.match(error.problems[0]!.detail!, reason);
};

describe('SSH connection set-up through a fault proxy (real sshd)', () => {
  // About 2.2 KB go up and 3.7 KB down until the SFTP session is up: these offsets fall before the
  // banner, in it, in the key exchange, in the login and in the subsystem start.
  const cuts: [Fault['kind'] & 'cut', 'up' | 'down', number][] = [
    ...[0, 20, 500, 1100, 1500, 2500, 3600].map((k) => ['cut', 'down', k] as ['cut', 'down', number]),
    ...[0, 10, 500, 1200, 2200].map((k) => ['cut', 'up', k] as ['cut', 'up', number]),
  ];
  for (const [kind, direction, afterBytes] of cuts) {
    it(`a cut after ${afterBytes} bytes ${direction} ends in REMOTE_CONNECTION`, async (t) => {
      const { error, connections } = await failure(t, { kind, direction, afterBytes });
      expectConnection(error, /^The server closed the connection (before the SSH handshake|during the SSH handshake|during login|before the SFTP session started)/);
      assert.ok(connections >= 1 && connections <= FAST.attempts, `${connections} connections`);
      if (afterBytes === 0) assert.match(error.problems[0]!.detail!, /before the SSH handshake \(3 attempts\)\.$/);
    });
  }

  it('a server that drops every connection before the handshake: three attempts with backoff, then the reason and a hint', async (t) => {
    const { error, connections, ms } = await failure(t, { kind: 'cut', direction: 'down', afterBytes: 0 }, {}, { attempts: 3, backoffMs: 500 });
    expectConnection(error, /^The server closed the connection before the SSH handshake \(3 attempts\)\.$/);
    assert.equal(connections, 3);
    assert.match(error.problems[0]!.hint!, /MaxStartups/);
    assert.ok(ms >= 0.5 * 500 + 0.5 * 1000, `${ms} ms: backed off`);
  });

  it('a server that drops the first two connections: the third attempt connects', async () => {
    proxy.setFault({ kind: 'cut', direction: 'down', afterBytes: 0 }, 2);
    const before = proxy.stats().connections;
    const { conn, sftp } = await connectSftp(viaProxy(), FAST);
    assert.equal(typeof sftp.readdir, 'function');
    conn.end();
    assert.equal(proxy.stats().connections - before, 3);
  });

  it('a reset before the handshake (retried) and during login (not retried): "connection reset"', async (t) => {
    const early = await failure(t, { kind: 'reset', direction: 'down', afterBytes: 0 });
    expectConnection(early.error, /^Connection reset before the SSH handshake \(3 attempts\)\.$/);
    assert.equal(early.connections, 3);
    const late = await failure(t, { kind: 'reset', direction: 'down', afterBytes: 2500 });
    expectConnection(late.error, /^Connection reset during login\.$/);
    assert.equal(late.connections, 1);
  });

  it('a server that accepts TCP and says nothing: "no answer within 2 s", once', async (t) => {
    const { error, connections, ms } = await failure(t, { kind: 'stall', direction: 'down', afterBytes: 0 }, { timeoutSeconds: 2 });
    expectConnection(error, /^No answer within 2 s: the server accepted the TCP connection but sent no SSH banner\.$/);
    assert.equal(connections, 1, 'a timeout is not retried');
    assert.ok(ms >= 2000, `${ms} ms`);
    assert.match(error.problems[0]!.hint!, /TIMEOUT/);
  });

  it('a stall in the middle of the set-up: "no answer within 2 s"', async (t) => {
    for (const afterBytes of [600, 2500]) {
      const { error } = await failure(t, { kind: 'stall', direction: 'down', afterBytes }, { timeoutSeconds: 2 });
      expectConnection(error, /^No answer within 2 s: the (SSH handshake did not complete|server did not answer the login)\.$/);
    }
  });

  it('a stall after the session is up is noticed by the keep-alive within about TIMEOUT', async (t) => {
    const connection = await connectSftp(viaProxy({ timeoutSeconds: 2 }), FAST);
    const closed = new Promise<void>((resolve) => connection.conn.once('close', () => resolve()));
    const started = Date.now();
    assert.equal(proxy.breakOpen('stall'), 1);
    await closed;
    const ms = Date.now() - started;
    t.diagnostic(`stall after the handshake with TIMEOUT=2 noticed in ${ms} ms: ${connection.lostReason()}`);
    assert.match(connection.lostReason()!, /no answer to keep-alive within about 2 s/);
    assert.ok(ms < 8000, `${ms} ms: the keep-alive follows TIMEOUT, not 10 s x 3`);
  });

  it('a stall during an SFTP request: the request fails with REMOTE_CONNECTION, and the folder settles', async (t) => {
    const folder = await openRemoteFolder(viaProxy({ timeoutSeconds: 2 }));
    try {
      assert.ok(Array.isArray(await folder.list()));
      proxy.breakOpen('stall');
      const started = Date.now();
      await assert.rejects(folder.list(), (e: unknown) => isProblemError(e) && e.code === 'REMOTE_CONNECTION' && !JSON.stringify(e.problems).includes(target.password));
      t.diagnostic(`list() on a stalled link with TIMEOUT=2 failed after ${Date.now() - started} ms`);
    } finally {
      await folder.close();
    }
  });

  it('a wrong password is never retried', async (t) => {
    const { error, connections } = await failure(t, { kind: 'pass' }, { password: new Secret('not-the-password-42') });
    assert.equal(error.code, 'REMOTE_AUTH');
    assert.ok(!JSON.stringify(error.problems).includes('not-the-password-42'));
    assert.equal(connections, 1);
  });

  it('an unknown host key is asked for once per key type the server has, and refused', async (t) => {
    const { error, connections } = await failure(t, { kind: 'pass' }, { hostKeyFingerprints: ['SHA256:' + 'B'.repeat(43)] });
    assert.equal(error.code, 'HOST_KEY_UNKNOWN');
    // ed25519, ECDSA P-256, RSA, then one last key exchange that finds no other type (P-384, P-521) to show.
    assert.equal(connections, 4);
    for (const type of ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa']) assert.match(error.problems[0]!.detail!, new RegExp(`SHA256:\\S+ \\(${type}\\)`));
  });

  it('nothing listening: refused at once, not retried', async (t) => {
    const closed = await startFaultProxy({ target: { port: target.port } });
    const port = closed.port;
    await closed.stop();
    const started = Date.now();
    await assert.rejects(connectSftp(sftpConfigOf(target, { port }), FAST), (e: unknown) => isProblemError(e) && e.code === 'REMOTE_CONNECTION' && /refused/.test(e.problems[0]!.detail!));
    t.diagnostic(`refused in ${Date.now() - started} ms`);
  });
});

/**
 * Opening the connection, fast and without sshd: the in-process ssh2 server behind the TCP fault
 * proxy, and raw TCP servers that are not SSH servers at all. The real-sshd cases are in
 * integration/sftp-connect-faults.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { connectSftp, keepAliveFor, type ConnectRetry } from '../../../src/adapters/sftp/connect.js';
import type { SftpConfig } from '../../../src/core/config.js';
import { isProblemError } from '../../../src/core/problem.js';
import { startFaultProxy, type FaultProxy } from '../../../integration/fault-proxy.js';
import { startLocalSftpServer, type LocalSftpServer } from '../../../integration/local-sftp-server.js';
import { tempDir } from '../../support/temp-dir.js';
import { localSftpConfig } from '../../support/local-sftp-config.js';

const FAST: ConnectRetry = { attempts: 3, backoffMs: 10 };
const root = tempDir('sftp-connect');
mkdirSync(join(root, 'rki'));
let server: LocalSftpServer;
let proxy: FaultProxy;

before(async () => {
  server = await startLocalSftpServer({ root });
  proxy = await startFaultProxy({ target: { port: server.port } });
});
after(async () => {
  await proxy.stop();
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

const config = (change: Partial<SftpConfig> = {}): SftpConfig => localSftpConfig(server, { host: '127.0.0.1', port: proxy.port, ...change });

/** A TCP server that does `greet` with each connection; returns its port and a closer. */
async function rawServer(greet: (socket: import('node:net').Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const raw: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    greet(socket);
  });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  return {
    port: (raw.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), raw.close(() => resolve()))),
  };
}

describe('opening the SFTP connection', () => {
  it('keep-alive: three unanswered intervals of TIMEOUT / 3 end the connection (never below 0.5 s)', () => {
    assert.deepEqual(keepAliveFor(2), { keepaliveInterval: 667, keepaliveCountMax: 2 });
    assert.deepEqual(keepAliveFor(25), { keepaliveInterval: 8333, keepaliveCountMax: 2 });
    assert.deepEqual(keepAliveFor(1), { keepaliveInterval: 500, keepaliveCountMax: 2 });
  });

  it('retries a connection dropped before the handshake and connects on the third attempt', async () => {
    proxy.setFault({ kind: 'cut', direction: 'down', afterBytes: 0 }, 2);
    const before = proxy.stats().connections;
    const { conn } = await connectSftp(config(), FAST);
    conn.end();
    assert.equal(proxy.stats().connections - before, 3);
  });

  it('gives up after the attempts, naming user@host:port and the reason', async () => {
    proxy.setFault({ kind: 'reset', direction: 'down', afterBytes: 0 });
    await assert.rejects(connectSftp(config(), FAST), (e: unknown) => {
      assert.ok(isProblemError(e));
      assert.equal(e.code, 'REMOTE_CONNECTION');
      assert.match(e.message, new RegExp(`${server.username}@127\\.0\\.0\\.1:${proxy.port}`));
      assert.equal(e.problems[0]!.detail, 'Connection reset before the SSH handshake (3 attempts).');
      assert.ok(!JSON.stringify(e.problems).includes(server.password));
      return true;
    });
    proxy.setFault({ kind: 'pass' });
  });

  it('a silent server: "no answer within 1 s", not retried', async () => {
    const silent = await rawServer(() => undefined);
    try {
      const started = Date.now();
      await assert.rejects(connectSftp(config({ port: silent.port, timeoutSeconds: 1 }), FAST), (e: unknown) => {
        return isProblemError(e) && e.code === 'REMOTE_CONNECTION' && e.problems[0]!.detail === 'No answer within 1 s: the server accepted the TCP connection but sent no SSH banner.';
      });
      assert.ok(Date.now() - started < 4000, 'one attempt only');
    } finally {
      await silent.close();
    }
  });

  it('something that is not an SSH server: said so, not retried', async () => {
    const web = await rawServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    try {
      await assert.rejects(connectSftp(config({ port: web.port }), FAST), (e: unknown) => {
        return isProblemError(e) && e.code === 'REMOTE_CONNECTION' && e.problems[0]!.detail === 'The server closed the connection without an SSH banner: what it sent is not SSH (is this the SSH port?).';
      });
    } finally {
      await web.close();
    }
  });

  it('a stall after the session is up ends the connection within about TIMEOUT, with the reason kept', async () => {
    const connection = await connectSftp(config({ timeoutSeconds: 1 }), FAST);
    const closed = new Promise<void>((resolve) => connection.conn.once('close', () => resolve()));
    assert.equal(connection.lostReason(), undefined);
    proxy.breakOpen('stall');
    await closed;
    assert.equal(connection.lostReason(), 'no answer to keep-alive within about 1 s');
  });

  it('a known_hosts that lists only another key type: one connection, "not in known_hosts", no alarm', async () => {
    const dir = tempDir('sftp-connect-kh');
    try {
      const file = join(dir, 'known_hosts');
      const rsa = ssh2.utils.generateKeyPairSync('rsa', { bits: 2048 }).public;
      writeFileSync(file, `[127.0.0.1]:${proxy.port} ${rsa.split(' ').slice(0, 2).join(' ')}\n`);
      const before = proxy.stats().connections;
      await assert.rejects(connectSftp(config({ hostKeyFingerprints: [], knownHosts: file }), FAST), (e: unknown) => {
        assert.ok(isProblemError(e));
        assert.equal(e.code, 'HOST_KEY_UNKNOWN');
        assert.match(e.problems[0]!.detail!, /lists only ssh-rsa keys for this host/);
        assert.ok(e.problems[0]!.detail!.includes(`${server.hostKeyFingerprint} (ssh-ed25519)`));
        assert.doesNotMatch(JSON.stringify(e.problems), /someone is intercepting/);
        return true;
      });
      assert.equal(proxy.stats().connections - before, 1, 'without pins there is nothing else to ask for');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

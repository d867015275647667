/**
 * A server with several host keys (the test sshd has ed25519, ECDSA P-256 and RSA): pinning any one
 * of them, or a known_hosts that lists only one type, connects — as OpenSSH's sftp does with the
 * same known_hosts, checked side by side. Only a different key of a listed type is a mismatch; a
 * known_hosts that lists only a type the server lacks is "not in known_hosts", without alarm.
 * A pass-through fault proxy counts the connections each case needs.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { connectSftp } from '../src/adapters/sftp/connect.js';
import type { SftpConfig } from '../src/core/config.js';
import { isProblemError } from '../src/core/problem.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { fingerprintOfPublicKey, sftpConfigOf, sshdTarget } from './support/e2e-world.js';
import { tempDir } from '../test/support/temp-dir.js';

const target = sshdTarget();
const state = process.env.SFTP_IT_STATE!;
const pub = (type: 'ed25519' | 'ecdsa' | 'rsa', variable?: string) => readFileSync((variable && process.env[variable]) || join(state, `host_${type}.pub`), 'utf8').trim();
const keys = { ed25519: pub('ed25519', 'SFTP_IT_HOSTKEY_PUB'), ecdsa: pub('ecdsa', 'SFTP_IT_HOSTKEY_ECDSA_PUB'), rsa: pub('rsa', 'SFTP_IT_HOSTKEY_RSA_PUB') };
let proxy: FaultProxy;
let dir: string;

before(async () => {
  proxy = await startFaultProxy({ target: { port: target.port } });
  dir = tempDir('aktin-host-keys');
});
after(async () => {
  await proxy.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A known_hosts file for the proxy's address with the given public key lines. */
function knownHosts(name: string, ...lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.map((l) => `[127.0.0.1]:${proxy.port} ${l.split(/\s+/).slice(0, 2).join(' ')}\n`).join(''));
  return file;
}

const config = (change: Partial<SftpConfig>): SftpConfig => sftpConfigOf(target, { port: proxy.port, ...change });

/** Connects, closes, and returns how many TCP connections it took. */
async function connects(change: Partial<SftpConfig>): Promise<number> {
  const before = proxy.stats().connections;
  const { conn } = await connectSftp(config(change));
  conn.end();
  return proxy.stats().connections - before;
}

/**
 * What OpenSSH's sftp does with the same known_hosts (key login, strict checking): true when it
 * connects. Asynchronous: the proxy it goes through runs in this process.
 */
function opensshConnects(file: string): Promise<boolean> {
  const args = ['-b', '-', '-P', String(proxy.port), '-i', process.env.SFTP_IT_CLIENT_KEY!, '-o', `UserKnownHostsFile=${file}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `${target.username}@127.0.0.1`];
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/sftp', args, { stdio: ['pipe', 'ignore', 'ignore'] });
    const timer = setTimeout(() => child.kill(), 30_000);
    child.on('error', () => resolve(false));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
    child.stdin.end('ls\n');
  });
}

describe('a server with ed25519, ECDSA and RSA host keys', () => {
  it('connects with only the RSA fingerprint pinned, asking for each type in turn', async () => {
    assert.equal(await connects({ hostKeyFingerprints: [fingerprintOfPublicKey(keys.rsa)] }), 3, 'ed25519 and ECDSA shown and refused first');
  });

  it('connects with only the ECDSA fingerprint pinned', async () => {
    assert.equal(await connects({ hostKeyFingerprints: [fingerprintOfPublicKey(keys.ecdsa)] }), 2);
  });

  it('connects at the first attempt with a pin among several, of the type shown first', async () => {
    assert.equal(await connects({ hostKeyFingerprints: [fingerprintOfPublicKey(keys.rsa), fingerprintOfPublicKey(keys.ed25519)] }), 1);
  });

  for (const type of ['rsa', 'ecdsa', 'ed25519'] as const) {
    it(`connects at the first attempt with a known_hosts holding only the ${type} line, as OpenSSH's sftp does`, async () => {
      const file = knownHosts(`only-${type}`, keys[type]);
      assert.equal(await connects({ hostKeyFingerprints: [], knownHosts: file }), 1, 'the listed type is offered first');
      assert.equal(await opensshConnects(file), true, 'OpenSSH agrees');
    });
  }

  it('a different key of a listed type is a mismatch (OpenSSH refuses too)', async () => {
    const other = ssh2.utils.generateKeyPairSync('rsa', { bits: 2048 }).public;
    const file = knownHosts('other-rsa', other);
    await assert.rejects(connectSftp(config({ hostKeyFingerprints: [], knownHosts: file })), (e: unknown) => {
      return isProblemError(e) && e.code === 'HOST_KEY_MISMATCH' && /a different ssh-rsa key for this host/.test(e.problems[0]!.detail!) && e.problems[0]!.detail!.includes(fingerprintOfPublicKey(keys.rsa));
    });
    assert.equal(await opensshConnects(file), false);
  });

  it('a known_hosts listing only a type the server lacks: not in known_hosts, no alarm (OpenSSH refuses too)', async () => {
    const p384 = ssh2.utils.generateKeyPairSync('ecdsa', { bits: 384 }).public;
    const file = knownHosts('only-p384', p384);
    await assert.rejects(connectSftp(config({ hostKeyFingerprints: [], knownHosts: file })), (e: unknown) => {
      if (!isProblemError(e) || e.code !== 'HOST_KEY_UNKNOWN') return false;
      const { detail, hint } = e.problems[0]!;
      assert.match(detail!, /lists only ecdsa-sha2-nistp384 keys for this host/);
      assert.doesNotMatch(`${e.message} ${detail} ${hint}`, /someone is intercepting|does not match/);
      assert.ok(detail!.includes(fingerprintOfPublicKey(keys.ed25519)), 'names the key shown');
      assert.match(hint!, /Add the server's ssh-ed25519 key/);
      return true;
    });
    assert.equal(await opensshConnects(file), false);
  });
});

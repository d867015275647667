/**
 * The SFTP adapter against a real OpenSSH sshd (started by integration/run-all-tests.sh):
 * the shared RemoteFolder contract with posix-rename and fsync, password and key login,
 * and host-key refusal.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openRemoteFolder } from '../src/adapters/sftp/ssh2.js';
import type { SftpConfig } from '../src/core/config.js';
import { isProblemError } from '../src/core/problem.js';
import { Secret } from '../src/core/secret.js';
import { remoteFolderContract } from './remote-folder-contract.js';
import { sftpConfigOf, sshdTarget } from './support/e2e-world.js';
import { tempDir } from '../test/support/temp-dir.js';

const target = sshdTarget();
const config = (change: Partial<SftpConfig> = {}): SftpConfig => sftpConfigOf(target, change);

// A folder of its own: the contract empties it first, and other test files use the shared one.
const contractTarget = sshdTarget({ own: 'contract' });
remoteFolderContract('OpenSSH sshd', () => openRemoteFolder(sftpConfigOf(contractTarget)), { atomicRename: true });

describe('SFTP adapter against OpenSSH', () => {
  it('logs in with a private key instead of a password', async () => {
    const { password: _none, ...withoutPassword } = config();
    const folder = await openRemoteFolder({ ...withoutPassword, privateKey: process.env.SFTP_IT_CLIENT_KEY! });
    assert.ok(Array.isArray(await folder.list()));
    await folder.close();
  });

  it('refuses a wrong password without showing it', async () => {
    await assert.rejects(openRemoteFolder(config({ password: new Secret('not-the-password-42') })), (e: unknown) => {
      return isProblemError(e) && e.code === 'REMOTE_AUTH' && !JSON.stringify(e.problems).includes('not-the-password-42');
    });
  });

  it('refuses an unknown host key, printing the fingerprint ssh-keygen -lf shows', async () => {
    await assert.rejects(openRemoteFolder(config({ hostKeyFingerprints: ['SHA256:' + 'B'.repeat(43)] })), (e: unknown) => {
      return isProblemError(e) && e.code === 'HOST_KEY_UNKNOWN' && e.problems[0]!.detail!.includes(target.hostKeyFingerprint);
    });
  });

  it('trusts a known_hosts entry and refuses a changed key', async () => {
    const dir = tempDir('known-hosts');
    const pub = readFileSync(process.env.SFTP_IT_HOSTKEY_PUB!, 'utf8').trim().split(/\s+/);
    const good = join(dir, 'good');
    writeFileSync(good, `[127.0.0.1]:${target.port} ${pub[0]} ${pub[1]}\n`);
    const folder = await openRemoteFolder(config({ hostKeyFingerprints: [], knownHosts: good }));
    await folder.close();

    const bad = join(dir, 'bad');
    const other = readFileSync(`${process.env.SFTP_IT_CLIENT_KEY!}.pub`, 'utf8').trim().split(/\s+/);
    writeFileSync(bad, `[127.0.0.1]:${target.port} ${other[0]} ${other[1]}\n`);
    await assert.rejects(openRemoteFolder(config({ hostKeyFingerprints: [], knownHosts: bad })), (e: unknown) => isProblemError(e) && e.code === 'HOST_KEY_MISMATCH');
  });

  it('trusts a hashed known_hosts entry, as ssh-keyscan -H writes it', async () => {
    const pub = readFileSync(process.env.SFTP_IT_HOSTKEY_PUB!, 'utf8').trim().split(/\s+/);
    const salt = randomBytes(20);
    const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(`[127.0.0.1]:${target.port}`).digest('base64')}`;
    const file = join(tempDir('known-hosts'), 'hashed');
    writeFileSync(file, `# comment\n${hashed} ${pub[0]} ${pub[1]}\n`);
    const folder = await openRemoteFolder(config({ hostKeyFingerprints: [], knownHosts: file }));
    await folder.close();
  });

  it('refuses every host key when neither pins nor known_hosts are configured', async () => {
    await assert.rejects(openRemoteFolder(config({ hostKeyFingerprints: [] })), (e: unknown) => {
      return isProblemError(e) && e.code === 'HOST_KEY_UNKNOWN' && e.problems[0]!.hint!.includes(`HOST_KEY_FINGERPRINTS = ["${target.hostKeyFingerprint}"]`);
    });
  });

  it('names a missing folder and never creates it', async () => {
    const folder = await openRemoteFolder(config({ folder: 'no-such-folder' }));
    try {
      await assert.rejects(folder.list(), (e: unknown) => isProblemError(e) && e.code === 'REMOTE_NO_SUCH_PATH' && e.message.includes('no-such-folder') && /never creates/.test(e.problems[0]!.hint!));
      const { Readable } = await import('node:stream');
      await assert.rejects(folder.write('x', Readable.from([Buffer.from('x')])), (e: unknown) => isProblemError(e) && e.code === 'REMOTE_NO_SUCH_PATH');
    } finally {
      await folder.close();
    }
  });

  it('cannot write outside the folder the account may write to', async () => {
    const folder = await openRemoteFolder(config({ folder: '/' }));
    try {
      const { Readable } = await import('node:stream');
      await assert.rejects(folder.write('x', Readable.from([Buffer.from('x')])), (e: unknown) => isProblemError(e) && e.code === 'REMOTE_PERMISSION');
    } finally {
      await folder.close();
    }
  });
});

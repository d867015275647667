import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { openRemoteFolder } from '../../../src/adapters/sftp/ssh2.js';
import type { SftpConfig } from '../../../src/core/config.js';
import { isProblemError } from '../../../src/core/problem.js';
import { Secret } from '../../../src/core/secret.js';
import { startLocalSftpServer, type LocalSftpServer } from '../../../integration/local-sftp-server.js';
import { remoteFolderContract } from '../../../integration/remote-folder-contract.js';
import { CLIENT_KEY_PASSPHRASE, clientKey as fixtureClientKey, otherKey as fixtureOtherKey } from '../../support/ssh-keys.js';
import { tempDir } from '../../support/temp-dir.js';
import { localSftpConfig } from '../../support/local-sftp-config.js';

const root = tempDir('sftp-local');
mkdirSync(join(root, 'rki'));
const keys = tempDir('sftp-local-keys');
const clientKey = fixtureClientKey();
const otherKey = fixtureOtherKey();
let server: LocalSftpServer;
const config = (change: Partial<SftpConfig> = {}): SftpConfig => localSftpConfig(server, change);

before(async () => {
  server = await startLocalSftpServer({ root, authorizedKeys: [clientKey.public] });
});
after(async () => server?.close());

remoteFolderContract('in-process ssh2 server', () => openRemoteFolder(config()), { atomicRename: false });

describe('SFTP adapter failures', () => {
  it('refuses an unknown host key and shows the presented fingerprint', async () => {
    await assert.rejects(openRemoteFolder(config({ hostKeyFingerprints: ['SHA256:' + 'A'.repeat(43)] })), (e: unknown) => {
      return isProblemError(e) && e.code === 'HOST_KEY_UNKNOWN' && e.problems[0]!.detail!.includes(server.hostKeyFingerprint) && e.problems[0]!.hint!.includes('HOST_KEY_FINGERPRINTS');
    });
  });

  it('refuses to connect without any pinned key', async () => {
    await assert.rejects(openRemoteFolder(config({ hostKeyFingerprints: [] })), (e: unknown) => isProblemError(e) && /never trusts an unknown server/.test(e.problems[0]!.detail!));
  });

  it('reports a wrong password without showing it', async () => {
    await assert.rejects(openRemoteFolder(config({ password: new Secret('wrong-password-123') })), (e: unknown) => {
      return isProblemError(e) && e.code === 'REMOTE_AUTH' && e.message.includes(`${server.username}@127.0.0.1:${server.port}`) && !JSON.stringify(e.problems).includes('wrong-password-123');
    });
  });

  it('logs in with a private key and its passphrase', async () => {
    const { password: _none, ...withoutPassword } = config();
    const folder = await openRemoteFolder({ ...withoutPassword, privateKey: clientKey.privatePath, privateKeyPassphrase: new Secret(CLIENT_KEY_PASSPHRASE) });
    assert.ok(Array.isArray(await folder.list()));
    await folder.close();
  });

  it('reports a key the server does not accept, or a wrong passphrase, as REMOTE_AUTH without the passphrase', async () => {
    const { password: _none, ...withoutPassword } = config();
    await assert.rejects(openRemoteFolder({ ...withoutPassword, privateKey: otherKey.privatePath }), (e: unknown) => isProblemError(e) && e.code === 'REMOTE_AUTH' && /private key/.test(e.problems[0]!.detail!));
    await assert.rejects(openRemoteFolder({ ...withoutPassword, privateKey: clientKey.privatePath, privateKeyPassphrase: new Secret('wrong staple') }), (e: unknown) => {
      return isProblemError(e) && e.code === 'REMOTE_AUTH' && !JSON.stringify(e.problems).includes('wrong staple') && !e.message.includes('wrong staple');
    });
  });

  it('refuses a host whose known_hosts entry lists another key; an unreadable known_hosts is a config error', async () => {
    const hostKey = server.hostKeyFingerprint;
    const bad = join(keys, 'known_hosts_bad');
    // otherKey.public is an OpenSSH line "ssh-ed25519 AAAA…": another key listed for this host.
    writeFileSync(bad, `[127.0.0.1]:${server.port} ${otherKey.public.trim()}\n`);
    await assert.rejects(openRemoteFolder(config({ hostKeyFingerprints: [], knownHosts: bad })), (e: unknown) => {
      return isProblemError(e) && e.code === 'HOST_KEY_MISMATCH' && e.problems[0]!.detail!.includes(hostKey);
    });
    await assert.rejects(openRemoteFolder(config({ hostKeyFingerprints: [], knownHosts: join(keys, 'absent') })), (e: unknown) => isProblemError(e) && e.code === 'CONFIG_INVALID' && e.message.includes('absent'));
  });

  it('reports a refused connection', async () => {
    await assert.rejects(openRemoteFolder(config({ port: 9 })), (e: unknown) => isProblemError(e) && e.code === 'REMOTE_CONNECTION');
  });

  it('names a missing folder and says it is never created', async () => {
    const folder = await openRemoteFolder(config({ folder: 'nope' }));
    try {
      await assert.rejects(folder.list(), (e: unknown) => isProblemError(e) && e.code === 'REMOTE_NO_SUCH_PATH' && /never creates it/.test(e.problems[0]!.hint!));
    } finally {
      await folder.close();
    }
  });

  it('warns once that replacing is not atomic on a server without posix-rename', async () => {
    const warnings: string[] = [];
    const folder = await openRemoteFolder(config(), { onWarning: (w) => warnings.push(w) });
    try {
      for (const name of ['x', 'y']) {
        await folder.write(`.${name}.part`, Readable.from([Buffer.from(name)]));
        await folder.rename(`.${name}.part`, 'target');
      }
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /posix-rename/);
      await folder.remove('target');
    } finally {
      await folder.close();
    }
  });

  it('a connection dropped mid-upload rejects the write and leaves no file under the final name', async () => {
    const before = readdirSync(join(root, 'rki')).sort();
    const folder = await openRemoteFolder(config());
    const endless = new Readable({
      read() {
        setTimeout(() => this.push(Buffer.alloc(64 * 1024, 1)), 5);
      },
    });
    const upload = folder.write('.drop.part', endless);
    setTimeout(() => server.dropConnections(), 150);
    await assert.rejects(upload, (e: unknown) => isProblemError(e) && e.code === 'REMOTE_CONNECTION');
    endless.destroy();
    const after = readdirSync(join(root, 'rki')).filter((n) => n !== '.drop.part').sort();
    assert.deepEqual(after, before, 'at most the temporary file, nothing under another name');
    await assert.rejects(folder.list(), (e: unknown) => isProblemError(e) && e.code === 'REMOTE_CONNECTION', 'later calls fail at once, no hang');
    await folder.close();
  });

  it('a connection dropped while a request is pending rejects it instead of hanging', async () => {
    const folder = await openRemoteFolder(config());
    const pending = Promise.all(Array.from({ length: 50 }, () => folder.list()));
    server.dropConnections();
    await assert.rejects(pending, (e: unknown) => isProblemError(e) && e.code === 'REMOTE_CONNECTION' && e.message.includes('127.0.0.1'));
    await folder.close();
  });
});

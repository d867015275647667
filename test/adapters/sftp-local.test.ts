import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { openRemoteFolder } from '../../src/adapters/sftp-ssh2.js';
import type { SftpConfig } from '../../src/core/config.js';
import { isProblemError } from '../../src/core/problem.js';
import { Secret } from '../../src/core/secret.js';
import { startLocalSftpServer, type LocalSftpServer } from '../../integration/local-sftp-server.js';
import { remoteFolderContract } from '../../integration/remote-folder-contract.js';

const root = mkdtempSync(join(tmpdir(), 'sftp-local-'));
mkdirSync(join(root, 'rki'));
let server: LocalSftpServer;
const config = (change: Partial<SftpConfig> = {}): SftpConfig => ({
  host: server.host,
  port: server.port,
  username: server.username,
  password: new Secret(server.password),
  timeoutSeconds: 5,
  folder: 'rki',
  hostKeyFingerprints: [server.hostKeyFingerprint],
  ...change,
});

before(async () => {
  server = await startLocalSftpServer({ root });
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
      return isProblemError(e) && e.code === 'SFTP_AUTH' && e.message.includes(`${server.username}@127.0.0.1:${server.port}`) && !JSON.stringify(e.problems).includes('wrong-password-123');
    });
  });

  it('reports a refused connection', async () => {
    await assert.rejects(openRemoteFolder(config({ port: 9 })), (e: unknown) => isProblemError(e) && e.code === 'SFTP_CONNECTION');
  });

  it('names a missing folder and says it is never created', async () => {
    const folder = await openRemoteFolder(config({ folder: 'nope' }));
    try {
      await assert.rejects(folder.list(), (e: unknown) => isProblemError(e) && e.code === 'SFTP_NO_SUCH_PATH' && /never creates it/.test(e.problems[0]!.hint!));
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
    const folder = await openRemoteFolder(config());
    const endless = new Readable({
      read() {
        setTimeout(() => this.push(Buffer.alloc(64 * 1024, 1)), 5);
      },
    });
    const upload = folder.write('.drop.part', endless);
    setTimeout(() => server.dropConnections(), 150);
    await assert.rejects(upload, (e: unknown) => isProblemError(e) && e.code === 'SFTP_CONNECTION');
    endless.destroy();
    assert.ok(!readdirSync(join(root, 'rki')).includes('drop'), 'nothing under a final name');
    await folder.close();
  });
});

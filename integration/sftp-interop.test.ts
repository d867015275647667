/**
 * The SFTP adapter against servers other than OpenSSH (issue 13): the shared RemoteFolder
 * contract on each, a large upload whose pieces must reach the server in ascending order, the
 * one warning a server without posix-rename earns, and a write the server refuses mid-upload.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { connectSftp } from '../src/adapters/sftp/connect.js';
import { openRemoteFolder } from '../src/adapters/sftp/ssh2.js';
import { pipelineWrites } from '../src/adapters/sftp/write.js';
import { isProblemError } from '../src/core/problem.js';
import { remoteFolderContract } from './remote-folder-contract.js';
import { sftpConfigOf } from './support/e2e-world.js';
import { INTEROP_SERVERS, interopTarget } from './support/sftp-servers.js';

for (const server of INTEROP_SERVERS) {
  const config = () => sftpConfigOf(interopTarget(server));
  remoteFolderContract(server.label, () => openRemoteFolder(config()), { atomicRename: server.atomicRename });

  describe(`SFTP adapter against ${server.label}`, () => {
    it('uploads 20 MiB in odd-sized chunks with many writes in flight, byte for byte', async () => {
      const folder = await openRemoteFolder(config());
      try {
        const data = randomBytes(20 * 1024 * 1024 + 12_345);
        // Chunks that straddle every piece boundary, as Fernet's output does.
        const chunks: Buffer[] = [];
        for (let at = 0; at < data.length; at += 50_001) chunks.push(data.subarray(at, at + 50_001));
        assert.equal(await folder.write('.big.part', Readable.from(chunks)), data.length);
        assert.equal((await folder.stat('.big.part'))?.size, data.length);
        const back = await folder.read('.big.part', data.length);
        assert.equal(createHash('sha256').update(back!).digest('hex'), createHash('sha256').update(data).digest('hex'));
      } finally {
        await folder.remove('.big.part').catch(() => undefined);
        await folder.close();
      }
    });

    it(server.atomicRename ? 'renames atomically and warns about nothing' : 'warns once per connection, at the first remove + rename', async () => {
      const warnings: string[] = [];
      const folder = await openRemoteFolder(config(), { onWarning: (w) => warnings.push(w) });
      try {
        await folder.write('.w1.part', Readable.from([Buffer.from('one')]));
        assert.deepEqual(warnings, [], 'nothing to warn about before a file is replaced');
        for (const name of ['w1', 'w2', 'w3']) {
          if (name !== 'w1') await folder.write(`.${name}.part`, Readable.from([Buffer.from(name)]));
          assert.deepEqual(await folder.rename(`.${name}.part`, 'target.zip'), { atomic: server.atomicRename });
        }
        assert.equal((await folder.read('target.zip', 100))!.toString(), 'w3');
        if (server.atomicRename) assert.deepEqual(warnings, []);
        else {
          assert.equal(warnings.length, 1, warnings.join('\n'));
          assert.match(warnings[0]!, /does not offer posix-rename \(127\.0\.0\.1:\d+\); replacing a file is not atomic/);
        }
      } finally {
        await folder.remove('target.zip').catch(() => undefined);
        await folder.close();
      }
    });
  });
}

describe('a write the server refuses mid-upload (ProFTPD, MaxStoreFileSize 1 MiB in small/)', () => {
  it('rejects with REMOTE_IO and the server\'s message, destroys the source with the same problem, leaves no file', async () => {
    const folder = await openRemoteFolder(sftpConfigOf(interopTarget(INTEROP_SERVERS[0]!), { folder: 'small' }));
    try {
      let chunks = 0;
      const source = new Readable({
        read() {
          this.push(chunks++ < 100 ? randomBytes(64 * 1024) : null);
        },
      });
      const isServerRefusal = (e: unknown) => isProblemError(e) && e.code === 'REMOTE_IO' && /SFTP write of 127\.0\.0\.1:small\/\.big\.part failed: Out of disk space/.test(e.message) && /free space/.test(e.problems[0]!.hint!);
      await assert.rejects(folder.write('.big.part', source), isServerRefusal);
      assert.ok(isServerRefusal(source.errored), `the producer learns why, not AbortError: ${String(source.errored)}`);
      assert.ok(chunks < 100, 'it stopped reading the source');
      assert.deepEqual(await folder.list(), []);
    } finally {
      await folder.close();
    }
  });
});

describe('why every write is sized to the limit: rclone refuses offsets out of order', () => {
  it('64 KiB writes, which ssh2 splits at 31,952 bytes, make rclone answer "Illegal seek"', async () => {
    const { conn, sftp } = await connectSftp(sftpConfigOf(interopTarget(INTEROP_SERVERS[2]!)));
    try {
      assert.equal((sftp as unknown as { _maxWriteLen: number })._maxWriteLen, 31_952, 'ssh2\'s limit for a Go banner without limits@openssh.com');
      const handle = await new Promise<Buffer>((resolve, reject) => sftp.open('rki/.order.part', 'w', (e, h) => (e ? reject(e) : resolve(h))));
      const write = (piece: Buffer, position: number) => new Promise<void>((resolve, reject) => sftp.write(handle, piece, 0, piece.length, position, (e) => (e ? reject(e) : resolve())));
      const source = Readable.from(Array.from({ length: 64 }, () => randomBytes(64 * 1024)));
      await assert.rejects(pipelineWrites(source, write, { pieceSize: 64 * 1024, inFlight: 8 }), /Illegal seek/);
      await new Promise((resolve) => sftp.close(handle, resolve));
      await new Promise((resolve) => sftp.unlink('rki/.order.part', resolve));
    } finally {
      conn.end();
    }
  });
});

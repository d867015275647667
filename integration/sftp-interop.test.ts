/**
 * The SFTP adapter against servers other than OpenSSH (issue 13): the shared RemoteFolder
 * contract on each, a large upload whose pieces must reach the server in ascending order, and
 * the one warning a server without posix-rename earns.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { openRemoteFolder } from '../src/adapters/sftp-ssh2.js';
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

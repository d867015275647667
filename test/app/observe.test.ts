/**
 * Reading the world over the real parts: the in-process SFTP server, the ledger file, the
 * broker emulator over HTTP. Read-only by construction: the wrappers fail on any write.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createBrokerReader } from '../../src/adapters/broker/http.js';
import { createLedgerStore } from '../../src/adapters/ledger/file.js';
import { openRemoteFolder } from '../../src/adapters/sftp/ssh2.js';
import type { BrokerReader, RemoteFolder } from '../../src/app/ports.js';
import { observeActual } from '../../src/app/observe.js';
import { Secret } from '../../src/core/secret.js';
import { BrokerDriver } from '../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../integration/broker-emulator/index.js';
import { startLocalSftpServer, type LocalSftpServer } from '../../integration/local-sftp-server.js';
import { readOnlyFolder, readOnlyLedgerStore } from '../support/read-only-world.js';
import { tempDir } from '../support/temp-dir.js';
import { localSftpConfig } from '../support/local-sftp-config.js';

const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Names, sizes and mtimes of a local folder: what "nothing was written" compares. */
function snapshotOf(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const s = statSync(join(dir, name));
      return `${name} ${s.size} ${s.mtimeMs}`;
    });
}

describe('observeActual', () => {
  const root = tempDir('read-state-sftp');
  const folderDir = join(root, 'rki');
  mkdirSync(folderDir);
  let server: LocalSftpServer;
  let folder: RemoteFolder;
  let workingDir: string;

  before(async () => {
    server = await startLocalSftpServer({ root });
    folder = await openRemoteFolder(localSftpConfig(server));
  });
  after(async () => {
    await folder?.close();
    await server?.close();
  });
  beforeEach(() => {
    workingDir = tempDir('read-state-work');
  });

  it('reads an empty folder and no ledger file with one listing and nothing else', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty, { recursive: true });
    const emptyFolder = await openRemoteFolder({
      host: server.host,
      port: server.port,
      username: server.username,
      password: new Secret(server.password),
      timeoutSeconds: 5,
      folder: 'empty',
      hostKeyFingerprints: [server.hostKeyFingerprint],
    });
    try {
      const calls: string[] = [];
      const state = await observeActual({ ledgerStore: readOnlyLedgerStore(createLedgerStore(workingDir), calls), remote: readOnlyFolder(emptyFolder, calls) });
      assert.deepEqual(state.listing, { files: [] });
      assert.deepEqual(state.ledger, { ledger: { serial: 0, entries: [] }, sha256: null });
      assert.deepEqual(calls.sort(), ['ledger read', 'list']);
      assert.deepEqual(readdirSync(workingDir), [], 'no ledger file is created');
    } finally {
      await emptyFolder.close();
    }
  });

  it('lists the folder once, streams the remote status.xml through its digest, parses the ledger file, and writes nothing', async () => {
    writeFileSync(join(folderDir, 'export_2.zip'), 'x'.repeat(140));
    writeFileSync(join(folderDir, 'status.xml'), '<status />');
    writeFileSync(join(folderDir, '.export_4.zip.0a1b2c3d.part'), 'half');
    copyFileSync('test/fixtures/ledger/original-run2.xml', join(workingDir, 'status.xml'));
    const remoteBefore = snapshotOf(folderDir);
    const localBefore = snapshotOf(workingDir);

    const calls: string[] = [];
    const state = await observeActual({ ledgerStore: readOnlyLedgerStore(createLedgerStore(workingDir), calls), remote: readOnlyFolder(folder, calls) });

    assert.deepEqual(calls.sort(), ['digest status.xml', 'ledger read', 'list']);
    assert.deepEqual(
      state.listing.files.map((f) => `${f.name} ${f.size}`).sort(),
      ['.export_4.zip.0a1b2c3d.part 4', 'export_2.zip 140', 'status.xml 10'],
    );
    assert.ok(state.listing.files.every((f) => Number.isInteger(f.mtime) && f.mtime > 1_600_000_000));
    assert.equal(state.listing.ledgerSha256, sha('<status />'));
    const bytes = readFileSync('test/fixtures/ledger/original-run2.xml');
    assert.equal(state.ledger.sha256, sha(bytes));
    assert.ok((await createLedgerStore(workingDir).bytes(state.ledger))?.equals(bytes));
    assert.deepEqual(
      state.ledger.ledger.entries.map((e) => `${e.id} ${e.completion}${e.deleted ? ' deleted' : ''}`),
      ['4 0.5', '0 1.0 deleted', '2 0.5', '6 0.0'],
    );
    assert.deepEqual(snapshotOf(folderDir), remoteBefore, 'the SFTP folder is unchanged');
    assert.deepEqual(snapshotOf(workingDir), localBefore, 'the working folder is unchanged');
  });

  it('digests a remote status.xml of any size as a stream (past 64 MiB, where reading it whole used to fail)', async () => {
    const big = join(folderDir, 'status.xml');
    const piece = Buffer.alloc(1 << 20, '<entry/>');
    writeFileSync(big, Buffer.concat(Array.from({ length: 65 }, () => piece)));
    try {
      const state = await observeActual({ ledgerStore: readOnlyLedgerStore(createLedgerStore(workingDir), []), remote: folder });
      assert.equal(state.listing.ledgerSha256, sha(readFileSync(big)));
    } finally {
      rmSync(big);
    }
  });
});

describe('the broker side of an observation', () => {
  let emulator: BrokerEmulator;
  let broker: BrokerReader;

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    const driver = new BrokerDriver(emulator.url);
    for (const tags of [['rki'], ['default'], ['rki', 'x'], ['rki']]) await driver.createRequest({ tags });
    await driver.node('xxxApiKey123').postStatus('0', 'completed');
    await driver.node('xxxApiKey567').postStatus('0', 'retrieved');
    broker = createBrokerReader({ broker: { url: emulator.url, apiKey: new Secret('xxxAdmin1234'), timeoutSeconds: 5 } });
  });
  after(async () => {
    await broker?.close();
    await emulator?.close();
  });

  it('returns the tagged requests with their completion, in id order', async () => {
    const snapshot = await broker.readSnapshot('rki');
    assert.equal(snapshot.tag, 'rki');
    assert.deepEqual(
      snapshot.requests.map((r) => `${r.id} ${r.completion} ${r.completed}/${r.nodes}`),
      ['0 0.5 1/2', '2 0.0 0/0', '3 0.0 0/0'],
    );
    assert.ok(snapshot.requests.every((r) => /^[0-9a-f]{64}$/.test(r.fingerprint)));
  });

  it('returns no request for a tag nobody uses', async () => {
    assert.deepEqual((await broker.readSnapshot('nobody')).requests, []);
  });
});

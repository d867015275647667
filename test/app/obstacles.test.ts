/**
 * Names the tool writes, occupied by something that is not a file, and files it does not own:
 * on real parts (broker emulator, in-process SFTP server, ledger file). The obstacle's request
 * waits with a warning saying what to do, the rest is applied, drift reports both, and nothing
 * that is not the tool's is touched.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createBrokerReader } from '../../src/adapters/broker/http.js';
import { generateFernetKey, parseFernetKey } from '../../src/adapters/encryption/fernet/fernet.js';
import { openRemoteFolder } from '../../src/adapters/sftp/ssh2.js';
import { applyChanges } from '../../src/app/apply-changes.js';
import { findDrift } from '../../src/app/detect-drift.js';
import { makePlan } from '../../src/app/make-plan.js';
import type { AppEvent, BrokerReader, RemoteFolder } from '../../src/app/ports.js';
import { Secret } from '../../src/core/secret.js';
import { BrokerDriver } from '../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../integration/broker-emulator/index.js';
import { startLocalSftpServer, type LocalSftpServer } from '../../integration/local-sftp-server.js';
import { NO_LIMITS } from '../support/builders.js';
import { tempDir } from '../support/temp-dir.js';
import { identityFor, testWorld } from '../support/test-world.js';

describe('obstacles and files the tool does not own', () => {
  let emulator: BrokerEmulator;
  let sftp: LocalSftpServer;
  let broker: BrokerReader;
  let remote: RemoteFolder;
  let folderDir: string;
  const workingDir = tempDir('obstacles-work');
  const events: AppEvent[] = [];
  // One key for every run: a run with another key would re-encrypt what the runs before sealed.
  const key = parseFernetKey(generateFernetKey());
  const world = () => testWorld({ broker, remote, workingDir, key, events: (e) => events.push(e) });

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    const driver = new BrokerDriver(emulator.url);
    for (let i = 0; i < 2; i++) {
      const id = await driver.createRequest({ tags: ['rki'] });
      await driver.node('xxxApiKey123').postStatus(id, 'completed');
    }
    const root = tempDir('obstacles-sftp');
    folderDir = join(root, 'rki');
    mkdirSync(join(folderDir, 'export_1.zip'), { recursive: true });
    writeFileSync(join(folderDir, 'partner-notes.txt'), 'ours, not the tool\'s');
    writeFileSync(join(folderDir, 'export_4.zip.tmp'), 'someone else\'s temporary file');
    sftp = await startLocalSftpServer({ root });
    broker = createBrokerReader({ broker: { url: emulator.url, apiKey: new Secret('xxxAdmin1234'), timeoutSeconds: 30 } });
    remote = await openRemoteFolder({ host: sftp.host, port: sftp.port, username: sftp.username, password: new Secret(sftp.password), timeoutSeconds: 30, folder: 'rki', hostKeyFingerprints: [sftp.hostKeyFingerprint] });
  });
  after(async () => {
    await remote?.close();
    await broker?.close();
    await sftp?.close();
    await emulator?.close();
  });

  it('plans around a directory named export_1.zip, warning what to do', async () => {
    const { plan } = await makePlan(world(), { identity: identityFor('rki'), options: NO_LIMITS, encryptor: null });
    assert.deepEqual(plan.actions.map((a) => `${a.kind} ${a.address}`), ['create export_0.zip', 'publish_ledger status.xml']);
    const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    assert.ok(warnings.some((w) => /^export_1\.zip in the SFTP folder 'rki' is a directory, .*request 1 is not uploaded.*until it is moved away/.test(w)), warnings.join('\n'));
  });

  it('applies the rest, and drift reports the obstacle and the foreign files without touching them', async () => {
    const outcome = await applyChanges(world(), { identity: identityFor('rki'), source: { options: NO_LIMITS, approve: async () => true }, concurrency: 2 });
    assert.deepEqual(outcome.report?.failed, []);
    const drift = await findDrift(world());
    assert.deepEqual(
      drift.items.map((i) => `${i.kind} ${i.name}`),
      ['foreign export_4.zip.tmp', 'foreign partner-notes.txt', 'obstacle export_1.zip'],
    );
    assert.equal(readFileSync(join(folderDir, 'partner-notes.txt'), 'utf8'), 'ours, not the tool\'s');
  });

  it('uploads the request once the obstacle is gone', async () => {
    rmdirSync(join(folderDir, 'export_1.zip'));
    const { plan } = await makePlan(world(), { identity: identityFor('rki'), options: NO_LIMITS, encryptor: null });
    assert.deepEqual(plan.actions.map((a) => `${a.kind} ${a.address}`), ['create export_1.zip', 'publish_ledger status.xml']);
  });
});

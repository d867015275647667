/**
 * [BROKER] CONCURRENCY is a bound the broker can rely on: a whole first sync (request list,
 * status reads, exports and downloads fetched ahead of the uploads) and a no-change run never
 * put more calls in flight, nor open more connections, than it. Counted by the emulator, whose
 * latency keeps calls in flight long enough to overlap. Not timed. Also: a bundle too large to
 * hold while it waits for its upload is opened again by the upload and streams as before.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createBrokerReader } from '../../src/adapters/broker/http.js';
import { fernetDecrypt, generateFernetKey, parseFernetKey } from '../../src/adapters/encryption/fernet/fernet.js';
import { openRemoteFolder } from '../../src/adapters/sftp/ssh2.js';
import { applyChanges } from '../../src/app/apply-changes.js';
import { PREFETCH_MAX_BUNDLE_BYTES } from '../../src/app/bundle-prefetch.js';
import type { BrokerReader, RemoteFolder } from '../../src/app/ports.js';
import { Secret } from '../../src/core/secret.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../integration/broker-emulator/index.js';
import { startLocalSftpServer, type LocalSftpServer } from '../../integration/local-sftp-server.js';
import { identityFor, testWorld } from '../support/test-world.js';
import { tempDir } from '../support/temp-dir.js';

const BOUND = 3;
const REQUESTS = 30;
const key = parseFernetKey(generateFernetKey());

describe('the broker bound', () => {
  let emulator: BrokerEmulator;
  let sftp: LocalSftpServer;
  let broker: BrokerReader;
  let remote: RemoteFolder;
  const made: string[] = [];
  const folder = 'bound';

  before(async () => {
    // Seeded, not made over HTTP: no connection of the test's own is open while the tool's are counted.
    const requests = Array.from({ length: REQUESTS }, (_, i) => ({
      tags: ['rki'],
      // The last one's bundle is over the size held in memory: random text deflates to 3/4 at best.
      nodes: [{ key: 'xxxApiKey123', result: i === REQUESTS - 1 ? randomBytes(PREFETCH_MAX_BUNDLE_BYTES).toString('base64') : `id;n\n${i};1\n`, status: 'completed' as const }],
    }));
    emulator = await startBrokerEmulator({ port: 0, seed: { requests } });
    const root = tempDir('bound-sftp');
    made.push(root);
    mkdirSync(join(root, folder));
    sftp = await startLocalSftpServer({ root });
    broker = createBrokerReader({ broker: { url: emulator.url, apiKey: new Secret('xxxAdmin1234'), timeoutSeconds: 10 }, concurrency: BOUND });
    remote = await openRemoteFolder({ host: sftp.host, port: sftp.port, username: sftp.username, password: new Secret(sftp.password), timeoutSeconds: 5, folder, hostKeyFingerprints: [sftp.hostKeyFingerprint] });
  });

  after(async () => {
    await remote?.close();
    await broker?.close();
    await sftp?.close();
    await emulator?.close();
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it('holds for a first sync with exports fetched ahead, and for a run with no change', async () => {
    const workingDir = tempDir('bound-ledger');
    made.push(workingDir);
    const world = testWorld({ broker, remote, workingDir, key, events: () => undefined });
    const run = () =>
      applyChanges(world, {
        identity: identityFor(folder),
        source: { options: { max_delete: null, allow_mass_delete: false, prune_orphans: false }, approve: async () => true },
        concurrency: 2,
        // More ahead than the bound: the gate, not the caller's restraint, keeps the broker's load.
        exportsAhead: 2 * BOUND,
      });
    emulator.setLatency({ latencyMs: 20, jitterMs: 10 });
    emulator.resetPeaks();
    const exportsBefore = emulator.stats().calls.export ?? 0;

    const first = await run();
    assert.deepEqual(first.report?.failed, []);
    assert.equal(first.report?.done.length, REQUESTS);
    // Each request exported once, the large one twice (dropped after its headers, opened again by its upload).
    assert.equal((emulator.stats().calls.export ?? 0) - exportsBefore, REQUESTS + 1);
    const large = readFileSync(join(sftp.root, folder, `export_${REQUESTS - 1}.zip`));
    assert.ok(fernetDecrypt(key, large).length > PREFETCH_MAX_BUNDLE_BYTES, 'the large bundle arrived whole');
    assert.equal(readdirSync(join(sftp.root, folder)).length, REQUESTS + 1, 'every export and status.xml');
    const afterFirst = emulator.inFlight();

    emulator.resetPeaks();
    const again = await run();
    assert.equal(again.report, null, 'nothing to do');
    const afterAgain = emulator.inFlight();
    emulator.setLatency({});

    for (const load of [afterFirst, afterAgain]) {
      assert.ok(load.peakRequests <= BOUND, `at most ${BOUND} calls in flight, saw ${load.peakRequests}`);
      assert.ok(load.peakConnections <= BOUND, `at most ${BOUND} connections, saw ${load.peakConnections}`);
      assert.ok(load.peakRequests > 1, `calls overlap (peak ${load.peakRequests})`);
    }
  });
});

/**
 * Kill -9 at any point converges: after `apply` is killed mid-run, a new `apply` (plan +
 * apply) reaches the same SFTP folder and ledger as an uninterrupted run, removes leftover
 * temporary files, and takes over the lock the dead process left. Besides kills from outside
 * at moments seen in the output, the CLI kills itself at exact steps of the ledger journal's
 * appends and of its fold into status.xml (test/adapters/ledger/kill-hook.mjs, preloaded).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { fernetDecrypt, parseFernetKey } from '../src/adapters/encryption/fernet/fernet.js';
import { parseLedgerXml } from '../src/adapters/ledger/xml.js';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from './broker-emulator/index.js';
import { startLocalSftpServer, type LocalSftpServer } from './local-sftp-server.js';
import { runCliProcess, startCli } from './support/cli-process.js';
import { createDeployment, type Deployment } from './support/e2e-world.js';
import { tempDir } from '../test/support/temp-dir.js';

const REQUESTS = 6;
const EXPECTED_NAMES = [...Array.from({ length: REQUESTS }, (_, i) => `export_${i}.zip`), 'status.xml'].sort();

describe('crash recovery', () => {
  let emulator: BrokerEmulator;
  let sftp: LocalSftpServer;

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    sftp = await startLocalSftpServer({ root: tempDir('crash-sftp') });
    const driver = new BrokerDriver(emulator.url);
    const hospital = driver.node('xxxApiKey123');
    for (let i = 0; i < REQUESTS; i++) {
      const id = await driver.createRequest({ tags: ['rki'] });
      await hospital.putResult(id, Buffer.alloc(200_000, i), 'application/zip');
      await hospital.postStatus(id, 'completed');
    }
    // Slow downloads keep the applies long enough to be killed at the chosen moment.
    emulator.setFaults({ routes: { download: { latencyMs: 400 } } });
  });

  after(async () => {
    await sftp?.close();
    await emulator?.close();
  });

  function deploymentIn(folder: string): Deployment {
    mkdirSync(join(sftp.root, folder));
    return createDeployment({
      brokerUrl: emulator.url,
      tag: 'rki',
      sftp: { host: sftp.host, port: sftp.port, username: sftp.username, password: sftp.password, folder, hostKeyFingerprint: sftp.hostKeyFingerprint },
      extraToml: '\n[APPLY]\nCONCURRENCY = 2\n',
    });
  }

  const HOOK = fileURLToPath(new URL('../test/adapters/ledger/kill-hook.mjs', import.meta.url));
  // savedPlan: recover with `plan -o` (no lock: the journal is replayed in memory only) and then
  // `apply PLANFILE`, which must find the plan fresh: the ledger fingerprint the plan pinned is
  // that of the fold the apply then writes.
  const killPoints: { name: string; marker?: RegExp; occurrences?: number; step?: string; savedPlan?: boolean }[] = [
    { name: 'while the first upload is in flight', marker: /create started/g, occurrences: 1 },
    { name: 'right after the first upload finished', marker: /create complete/g, occurrences: 1 },
    { name: 'in the middle of the run', marker: /create complete/g, occurrences: 3 },
    { name: 'half-way through the third journal append', step: 'append-torn:3' },
    { name: 'right after the fourth journal append is durable', step: 'append-synced:4' },
    { name: 'right after the third journal append is durable, recovering with a saved plan', step: 'append-synced:3', savedPlan: true },
    { name: 'while folding the journal into status.xml (temporary file written)', step: 'fold-temp:1' },
    { name: 'between the fold\'s rename and the journal\'s removal', step: 'fold-renamed:1' },
  ];

  for (const [index, point] of killPoints.entries()) {
    it(`converges after kill -9 ${point.name}`, async () => {
      const folder = `crash${index}`;
      const deployment = deploymentIn(folder);
      const env = point.step ? { NODE_OPTIONS: `--import=${HOOK}`, AKTIN_TEST_KILL_AT: point.step } : undefined;
      const killed = startCli(['-c', deployment.configFile, 'apply', '--auto-approve'], { cwd: deployment.dir, ...(env ? { env } : {}) });
      if (point.marker) {
        await waitFor(() => (killed.stderrSoFar().match(point.marker!) ?? []).length >= point.occurrences!, 30_000);
        killed.child.kill('SIGKILL');
      }
      const dead = await killed.done;
      assert.equal(dead.signal, 'SIGKILL', dead.stderr);

      if (point.savedPlan) {
        const journal = join(deployment.workingDir, 'status.xml.journal');
        const before = readFileSync(journal);
        const planned = await runCliProcess(['-c', deployment.configFile, 'plan', '--detailed-exitcode', '-o', 'recovery.plan'], { cwd: deployment.dir });
        assert.equal(planned.code, 2, planned.stderr + planned.stdout); // changes pending
        assert.deepEqual(readFileSync(journal), before, 'plan left the journal as it was');
      }
      const recoveryArgs = point.savedPlan ? ['apply', 'recovery.plan'] : ['apply', '--auto-approve'];
      const recovery = await runCliProcess(['-c', deployment.configFile, ...recoveryArgs], { cwd: deployment.dir });
      assert.equal(recovery.code, 0, recovery.stderr + recovery.stdout);
      assert.match(recovery.stderr, /lock/i, 'the dead run\'s lock is taken over with a warning');

      assert.deepEqual(readdirSync(join(sftp.root, folder)).sort(), EXPECTED_NAMES, 'same folder as an uninterrupted run, no .part left');
      const ledger = parseLedgerXml(readFileSync(join(deployment.workingDir, 'status.xml'), 'utf8'));
      assert.deepEqual(
        ledger.entries.map((e) => [e.id, e.completion, e.deleted ?? null]).sort(),
        Array.from({ length: REQUESTS }, (_, i) => [String(i), '1.0', null]),
      );
      assert.equal(ledger.pending, undefined);
      const key = parseFernetKey(deployment.key);
      for (const entry of ledger.entries) {
        const token = readFileSync(join(sftp.root, folder, `export_${entry.id}.zip`));
        assert.equal(token.length, entry.tokenSize);
        assert.equal(fernetDecrypt(key, token).subarray(0, 2).toString('latin1'), 'PK');
      }
      const remoteLedger = readFileSync(join(sftp.root, folder, 'status.xml'));
      assert.ok(remoteLedger.equals(readFileSync(join(deployment.workingDir, 'status.xml'))));

      const drift = await runCliProcess(['-c', deployment.configFile, 'drift'], { cwd: deployment.dir });
      assert.equal(drift.code, 0, drift.stdout);
    });
  }
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the apply to reach the kill point');
    await new Promise((r) => setTimeout(r, 20));
  }
}

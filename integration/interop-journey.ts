/**
 * The plan → apply → drift → repair journey through the built CLI on a non-OpenSSH server
 * (issue 13), against the broker emulator over HTTP; run by integration/e2e-<server>.test.ts
 * (one file per server, so each stays well inside the test timeout on a busy machine).
 * Plus a write the server refuses mid-upload (ProFTPD's MaxStoreFileSize): the action fails
 * with the server's message, no temporary file is left, nothing is recorded.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RemoteFolder } from '../src/app/ports.js';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from './broker-emulator/index.js';
import { runCliProcess, type CliRun } from './support/cli-process.js';
import { createDeployment, openTargetFolder, pythonDecrypt, type Deployment, type SftpTarget } from './support/e2e-world.js';
import { INTEROP_SERVERS, interopTarget, type InteropServer } from './support/sftp-servers.js';

const count = (xml: string, tag: string) => (xml.match(new RegExp(`<${tag}[\\s>/]`, 'g')) ?? []).length;
const POSIX_RENAME_WARNING = /does not offer posix-rename \(127\.0\.0\.1:\d+\); replacing a file is not atomic/;

interface Journey {
  emulator: BrokerEmulator;
  broker: BrokerDriver;
  deployment: Deployment;
  folder: RemoteFolder;
  cli: (...args: string[]) => Promise<CliRun>;
  names: () => Promise<string[]>;
  close: () => Promise<void>;
}

async function startJourney(target: SftpTarget): Promise<Journey> {
  const emulator = await startBrokerEmulator({ port: 0 });
  const deployment = createDeployment({ brokerUrl: emulator.url, tag: 'rki', sftp: target });
  const folder = await openTargetFolder(target);
  for (const file of await folder.list()) await folder.remove(file.name);
  return {
    emulator,
    broker: new BrokerDriver(emulator.url),
    deployment,
    folder,
    cli: (...args) => runCliProcess(['-c', deployment.configFile, ...args], { cwd: deployment.dir }),
    names: async () => (await folder.list()).map((f) => f.name).sort(),
    close: async () => {
      for (const file of await folder.list().catch(() => [])) await folder.remove(file.name).catch(() => undefined);
      await folder.close();
      await emulator.close();
      rmSync(deployment.dir, { recursive: true, force: true });
    },
  };
}

const noBugReport = (run: CliRun) => {
  assert.doesNotMatch(run.combined, /This is a bug|AbortError|at .*\.js:\d+/, run.combined);
};

export function interopJourney(server: InteropServer): void {
  describe(`end to end on ${server.label}`, () => {
    let j: Journey;
    before(async () => {
      j = await startJourney({ ...interopTarget(server), folder: 'e2e' });
      const hospital = j.broker.node('xxxApiKey123');
      for (let i = 0; i < 3; i++) {
        const id = await j.broker.createRequest({ tags: ['rki'] });
        // Several hundred KiB each: many writes per upload, several uploads at once on one connection.
        await hospital.putResult(id, randomBytes(300_000 + 77_777 * i).toString('hex'), 'text/csv');
        await hospital.postStatus(id, 'completed');
      }
    });
    after(async () => j?.close());

    it('plans three exports and applies them; Python decrypts what arrived', async () => {
      const planFile = join(j.deployment.dir, 'plan.json');
      const plan = await j.cli('plan', '-o', planFile, '--detailed-exitcode');
      assert.equal(plan.code, 2, plan.combined);
      assert.match(plan.stdout, /Plan: 3 to add, 1 to change, 0 to destroy\./);

      const apply = await j.cli('apply', planFile);
      assert.equal(apply.code, 0, apply.combined);
      noBugReport(apply);
      assert.deepEqual(await j.names(), ['export_0.zip', 'export_1.zip', 'export_2.zip', 'status.xml'], 'the final names only: no temporary file left');
      assert.equal(count(readFileSync(join(j.deployment.workingDir, 'status.xml'), 'utf8'), 'request-status'), 3);

      const token = join(j.deployment.dir, 'export_2.token');
      writeFileSync(token, (await j.folder.read('export_2.zip', 16 << 20))!);
      pythonDecrypt(j.deployment.keyFile, token, join(j.deployment.dir, 'export_2.decrypted.zip'));
      const plain = readFileSync(join(j.deployment.dir, 'export_2.decrypted.zip'));
      assert.ok(plain.subarray(0, 2).equals(Buffer.from('PK')), 'a zip after decryption');
    });

    it('replaces a file when a second hospital answers', async () => {
      const second = j.broker.node('xxxApiKey567');
      await second.putResult('1', 'patient;count\n1;5\n', 'text/csv');
      await second.postStatus('1', 'completed');
      const apply = await j.cli('apply', '--auto-approve');
      assert.equal(apply.code, 0, apply.combined);
      noBugReport(apply);
      assert.match(apply.stdout, /Plan: 0 to add, 2 to change, 0 to destroy\./);
      assert.deepEqual(await j.names(), ['export_0.zip', 'export_1.zip', 'export_2.zip', 'status.xml']);
    });

    it('drift finds a file removed behind the tool\'s back; apply repairs it; drift is clean again', async () => {
      assert.equal(await j.folder.remove('export_0.zip'), true);
      const drift = await j.cli('drift');
      assert.equal(drift.code, 2, drift.combined);
      assert.match(drift.stdout, /export_0\.zip: missing/);
      const repair = await j.cli('apply', '--auto-approve');
      assert.equal(repair.code, 0, repair.combined);
      assert.deepEqual(await j.names(), ['export_0.zip', 'export_1.zip', 'export_2.zip', 'status.xml']);
      const clean = await j.cli('drift');
      assert.equal(clean.code, 0, clean.combined);
      const nothing = await j.cli('plan', '--detailed-exitcode');
      assert.equal(nothing.code, 0, nothing.combined);
    });

    if (!server.atomicRename) {
      // The adapter calls onWarning at the first remove + rename (integration/sftp-interop.test.ts);
      // the CLI must show it then, once per run, on stderr also with --json.
      it('prints the posix-rename warning once per run, as the fallback is first used, also with --json', async () => {
        const second = j.broker.node('xxxApiKey567');
        for (const [id, json] of [['2', false], ['0', true]] as const) {
          await second.putResult(id, `patient;count\n${id};6\n`, 'text/csv');
          await second.postStatus(id, 'completed');
          const apply = await j.cli('apply', '--auto-approve', ...(json ? ['--json'] : []));
          assert.equal(apply.code, 0, apply.combined);
          assert.equal(apply.stderr.split(POSIX_RENAME_WARNING).length - 1, 1, apply.combined);
          if (json) assert.doesNotThrow(() => JSON.parse(apply.stdout), 'stdout stays one JSON document');
        }
      });
    }
  });
}

export function writeRefusedJourney(): void {
  describe('end to end: the server refuses a write mid-upload (ProFTPD MaxStoreFileSize 1 MiB)', () => {
    let j: Journey;
    before(async () => {
      j = await startJourney({ ...interopTarget(INTEROP_SERVERS[0]!), folder: 'small-e2e' });
      const hospital = j.broker.node('xxxApiKey123');
      for (const size of [2_000_000, 1_000]) {
        const id = await j.broker.createRequest({ tags: ['rki'] });
        await hospital.putResult(id, randomBytes(size).toString('hex'), 'text/csv');
        await hospital.postStatus(id, 'completed');
      }
    });
    after(async () => j?.close());

    it('fails that action with the server\'s message, exit 1, no temporary file, nothing recorded for it', async () => {
      const apply = await j.cli('apply', '--auto-approve');
      assert.equal(apply.code, 1, apply.combined);
      noBugReport(apply);
      assert.match(apply.stderr, /SFTP write of 127\.0\.0\.1:small-e2e\/\S+ failed: Out of disk space/);
      assert.doesNotMatch(apply.combined, /broker/i, 'an SFTP failure, not a broker one');
      const names = await j.names();
      assert.ok(!names.some((n) => n.startsWith('.')), `no temporary file left: ${names.join(', ')}`);
      assert.ok(!names.includes('export_0.zip'));
      assert.ok(names.includes('export_1.zip'), 'the other action, in flight beside it, still completes');
      assert.match(apply.combined, /export_1\.zip: create complete/);
      const ledger = readFileSync(join(j.deployment.workingDir, 'status.xml'), 'utf8');
      assert.doesNotMatch(ledger, /id="0"/);
    });
  });
}

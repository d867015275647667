/**
 * `apply` as cron and CI use it, in process on real parts (broker emulator over HTTP, the
 * in-process SFTP server, the ledger file): --dry-run plans and changes nothing, --quiet prints
 * nothing when nothing changed, --metrics-file records every run.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { BrokerDriver } from '../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../integration/broker-emulator/index.js';
import { startLocalSftpServer, type LocalSftpServer } from '../../integration/local-sftp-server.js';
import { createDeployment, type Deployment } from '../../integration/support/e2e-world.js';
import { tempDir } from '../support/temp-dir.js';

describe('apply for cron and CI', () => {
  let emulator: BrokerEmulator;
  let sftp: LocalSftpServer;
  let deployment: Deployment;
  const cli = async (...args: string[]) => {
    let out = '';
    let err = '';
    const io: CliIo = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, isTTY: false, env: {}, cwd: deployment.dir };
    const code = await runCli(['-c', deployment.configFile, ...args], io);
    return { code, out, err };
  };
  const remoteNames = () => readdirSync(join(sftp.root, 'rki')).sort();

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    const root = tempDir('apply-cli');
    mkdirSync(join(root, 'rki'));
    sftp = await startLocalSftpServer({ root });
    const driver = new BrokerDriver(emulator.url);
    for (let i = 0; i < 2; i++) {
      const id = await driver.createRequest({ tags: ['rki'] });
      await driver.node('xxxApiKey123').putResult(id, Buffer.from(`result ${id}`), 'text/plain');
      await driver.node('xxxApiKey123').postStatus(id, 'completed');
    }
    deployment = createDeployment({
      brokerUrl: emulator.url,
      tag: 'rki',
      dir: tempDir('apply-cli-work'),
      sftp: { host: sftp.host, port: sftp.port, username: sftp.username, password: sftp.password, folder: 'rki', hostKeyFingerprint: sftp.hostKeyFingerprint },
    });
  });
  after(async () => {
    await sftp?.close();
    await emulator?.close();
  });

  it('--dry-run is plan: the same output and exit codes, nothing written', async () => {
    const dry = await cli('apply', '--dry-run', '--detailed-exitcode');
    assert.equal(dry.code, 2, dry.err);
    assert.match(dry.out, /^Plan: 2 to add, 1 to change, 0 to destroy\.$/m);
    assert.deepEqual(remoteNames(), []);
    assert.ok(!existsSync(join(deployment.workingDir, 'status.xml')));
    const withFile = await cli('apply', '--dry-run', 'plan.json');
    assert.equal(withFile.code, 64);
    assert.match(withFile.err, /apply --dry-run takes no plan file/);
  });

  it('--quiet --metrics-file: the summary and the final line when something changed, metrics of the run', async () => {
    const metrics = join(deployment.dir, 'aktin-sftp.prom');
    const run = await cli('apply', '--auto-approve', '--quiet', '--metrics-file', metrics);
    assert.equal(run.code, 0, run.err);
    assert.doesNotMatch(run.out, /will be created/, 'no plan printed');
    assert.match(run.out, /^Apply complete! Resources: 2 added, 1 changed, 0 destroyed\. Ledger status\.xml published\.$/m);
    assert.match(run.out, /^Plan [0-9a-f-]{36}: 2 done, [0-9.]+ [KM]?i?B uploaded, ledger published, in [0-9.]+ s\.$/m);
    assert.deepEqual(run.err.split('\n').filter((l) => l && !/ warn Warning: the server does not offer posix-rename/.test(l)), [], 'no progress lines, only warnings');
    assert.deepEqual(remoteNames(), ['export_0.zip', 'export_1.zip', 'status.xml']);
    const text = readFileSync(metrics, 'utf8');
    assert.match(text, /^aktin_sftp_last_run_exit_code\{command="apply"\} 0$/m);
    assert.match(text, /^aktin_sftp_last_run_actions\{command="apply",kind="create"\} 2$/m);
    assert.match(text, /^aktin_sftp_last_success_timestamp_seconds\{command="apply"\} \d+$/m);

    const idle = await cli('apply', '--auto-approve', '--quiet', '--metrics-file', metrics);
    assert.deepEqual([idle.code, idle.out, idle.err], [0, '', ''], 'a cron job with nothing to do mails nothing');
    assert.match(readFileSync(metrics, 'utf8'), /^aktin_sftp_last_run_actions\{command="apply",kind="create"\} 0$/m);
  });

  it('--metrics-file records a failed run with its exit code', async () => {
    const metrics = join(deployment.dir, 'failed.prom');
    const locked = await cli('apply', '--auto-approve', '--metrics-file', metrics, 'missing-plan.json');
    assert.equal(locked.code, 64);
    assert.match(readFileSync(metrics, 'utf8'), /^aktin_sftp_last_run_exit_code\{command="apply"\} 64$/m);
  });
});

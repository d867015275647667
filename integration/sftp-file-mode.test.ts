/**
 * [SFTP] FILE_MODE on the real OpenSSH sshd, through the built CLI: the uploaded exports and the
 * remote status.xml get the configured mode (set here through AKTIN_SFTP_SFTP_FILE_MODE, as CI
 * would), 0644 without it; a mode the owner could not read is refused before anything happens.
 * Modes are read from the folder the test sshd serves, as the server's own `ls -l` shows them.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from './broker-emulator/index.js';
import { runCliProcess } from './support/cli-process.js';
import { createDeployment, sshdTarget } from './support/e2e-world.js';

describe('[SFTP] FILE_MODE on the real sshd', () => {
  let emulator: BrokerEmulator;

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    const broker = new BrokerDriver(emulator.url);
    const hospital = broker.node('xxxApiKey123');
    for (let i = 0; i < 2; i++) {
      const id = await broker.createRequest({ tags: ['rki'] });
      await hospital.putResult(id, `patient;count\n${i};1\n`, 'text/csv');
      await hospital.postStatus(id, 'completed');
    }
  });
  after(async () => emulator?.close());

  /** Applies into a folder of its own; returns the mode of every file there, `name 0640`. */
  async function applyWith(own: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string; modes: string[] }> {
    const target = sshdTarget({ own });
    const deployment = createDeployment({ brokerUrl: emulator.url, tag: 'rki', sftp: target });
    const run = await runCliProcess(['-c', deployment.configFile, 'apply', '--auto-approve'], { cwd: deployment.dir, env });
    const onDisk = join(process.env.SFTP_IT_CHROOT!, 'upload', target.folder);
    const modes = readdirSync(onDisk)
      .sort()
      .map((name) => `${name} ${(statSync(join(onDisk, name)).mode & 0o7777).toString(8).padStart(4, '0')}`);
    return { code: run.code, stderr: run.stderr, modes };
  }

  it('creates the files with the configured mode', async () => {
    const run = await applyWith('file-mode-0640', { AKTIN_SFTP_SFTP_FILE_MODE: '0640' });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.modes, ['export_0.zip 0640', 'export_1.zip 0640', 'status.xml 0640']);
  });

  it('creates them 0644 without the key, as the original did', async () => {
    const run = await applyWith('file-mode-default', {});
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.modes, ['export_0.zip 0644', 'export_1.zip 0644', 'status.xml 0644']);
  });

  it('refuses a mode the owner cannot read, naming the key and variable, and uploads nothing', async () => {
    const run = await applyWith('file-mode-refused', { AKTIN_SFTP_SFTP_FILE_MODE: '0044' });
    assert.equal(run.code, 64, run.stderr);
    assert.match(run.stderr, /`\[SFTP\] FILE_MODE` \(from AKTIN_SFTP_SFTP_FILE_MODE\) must let the owner read the uploaded files/);
    assert.deepEqual(run.modes, []);
  });
});

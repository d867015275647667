/**
 * The CLI in process on real parts for command tests: the broker emulator over HTTP with two
 * tagged requests completed by one node, the in-process SFTP server with an empty folder `rki`,
 * and a deployment (config, key, working dir) pointing at both. `cli(...)` runs one command
 * line as a non-terminal would and returns its exit code and both streams.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { BrokerDriver } from '../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../integration/broker-emulator/index.js';
import { startLocalSftpServer, type LocalSftpServer } from '../../integration/local-sftp-server.js';
import { createDeployment, type Deployment } from '../../integration/support/e2e-world.js';
import { tempDir } from './temp-dir.js';

export interface CliFixture {
  readonly emulator: BrokerEmulator;
  readonly sftp: LocalSftpServer;
  readonly deployment: Deployment;
  cli(...args: string[]): Promise<{ code: number; out: string; err: string }>;
  close(): Promise<void>;
}

export async function startCliFixture(name: string): Promise<CliFixture> {
  const emulator = await startBrokerEmulator({ port: 0 });
  const root = tempDir(name);
  mkdirSync(join(root, 'rki'));
  const sftp = await startLocalSftpServer({ root });
  const driver = new BrokerDriver(emulator.url);
  for (let i = 0; i < 2; i++) {
    const id = await driver.createRequest({ tags: ['rki'] });
    await driver.node('xxxApiKey123').putResult(id, Buffer.from(`result ${id}`), 'text/plain');
    await driver.node('xxxApiKey123').postStatus(id, 'completed');
  }
  const deployment = createDeployment({
    brokerUrl: emulator.url,
    tag: 'rki',
    dir: tempDir(`${name}-work`),
    sftp: { host: sftp.host, port: sftp.port, username: sftp.username, password: sftp.password, folder: 'rki', hostKeyFingerprint: sftp.hostKeyFingerprint },
  });
  return {
    emulator,
    sftp,
    deployment,
    cli: async (...args) => {
      let out = '';
      let err = '';
      const io: CliIo = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, isTTY: false, env: {}, cwd: deployment.dir };
      const code = await runCli(['-c', deployment.configFile, ...args], io);
      return { code, out, err };
    },
    close: async () => {
      await sftp.close();
      await emulator.close();
    },
  };
}

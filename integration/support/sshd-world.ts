/**
 * The world most tests of the built CLI on real parts share: the broker emulator on a free port,
 * completed results for the tag, and a deployment on the real sshd in a folder of its own,
 * emptied first. `close` ends what `startSshdWorld` started; the temp folder goes with the process.
 * Kept beside e2e-world.ts rather than in test/support: only integration runs have the test sshd.
 */
import type { RemoteFolder } from '../../src/app/ports.js';
import { tempDir } from '../../test/support/temp-dir.js';
import { BrokerDriver } from '../broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator, type BrokerEmulatorOptions } from '../broker-emulator/index.js';
import { createDeployment, openTargetFolder, sshdTarget, type Deployment, type SftpTarget } from './e2e-world.js';

export interface SshdWorld {
  readonly emulator: BrokerEmulator;
  readonly target: SftpTarget;
  readonly deployment: Deployment;
  /** The deployment's SFTP folder, opened for the test to look into. */
  readonly folder: RemoteFolder;
  /** A new request tagged `rki` with a completed result; its id. */
  addResult(body?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startSshdWorld(options: {
  /** Names the sshd folder and the temp folder, so that test files do not meet. */
  readonly own: string;
  /** Requests with completed results before the test starts; default none. */
  readonly results?: number;
  readonly extraToml?: string;
  readonly emulator?: BrokerEmulatorOptions;
}): Promise<SshdWorld> {
  const emulator = await startBrokerEmulator({ port: 0, ...options.emulator });
  const addResult = async (body?: string) => {
    const driver = new BrokerDriver(emulator.url);
    const id = await driver.createRequest({ tags: ['rki'] });
    await driver.node('xxxApiKey123').putResult(id, Buffer.from(body ?? `result ${id}`), 'text/plain');
    await driver.node('xxxApiKey123').postStatus(id, 'completed');
    return id;
  };
  let folder: RemoteFolder | undefined;
  try {
    for (let i = 0; i < (options.results ?? 0); i++) await addResult();
    const target = sshdTarget({ own: options.own });
    const deployment = createDeployment({ brokerUrl: emulator.url, tag: 'rki', sftp: target, dir: tempDir(options.own), ...(options.extraToml ? { extraToml: options.extraToml } : {}) });
    folder = await openTargetFolder(target);
    for (const file of await folder.list()) await folder.remove(file.name);
    const opened = folder;
    return {
      emulator,
      target,
      deployment,
      folder: opened,
      addResult,
      close: async () => {
        await opened.close();
        await emulator.close();
      },
    };
  } catch (error) {
    await folder?.close();
    await emulator.close();
    throw error;
  }
}

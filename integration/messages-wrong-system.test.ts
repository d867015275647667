/**
 * Messages that name the system that failed (issue 23), through the built CLI on the real sshd
 * and the broker emulator: a missing SFTP folder is reported without a broker retry warning first,
 * a broker that refuses the connection says so with its host:port, and a watch whose every cycle
 * fails turns /healthz to 503 at the third failed cycle, not after 2 × RESYNC.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from './broker-emulator/index.js';
import { runCliProcess, startCli } from './support/cli-process.js';
import { createDeployment, sshdTarget, type Deployment, type SftpTarget } from './support/e2e-world.js';
import { eventually } from './support/eventually.js';
import { tempDir } from '../test/support/temp-dir.js';

describe('messages that point at the right system', () => {
  let emulator: BrokerEmulator;
  let deployment: Deployment;
  let target: SftpTarget;
  /** The deployment's config with one line replaced, as its own file. */
  const variant = (name: string, pattern: RegExp, line: string) => {
    const file = join(deployment.dir, name);
    writeFileSync(file, readFileSync(deployment.configFile, 'utf8').replace(pattern, line), { mode: 0o600 });
    return file;
  };
  const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at .*:\d+:\d+/, 'no stack trace');

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    const driver = new BrokerDriver(emulator.url);
    const id = await driver.createRequest({ tags: ['rki'] });
    await driver.node('xxxApiKey123').postStatus(id, 'completed');
    target = sshdTarget({ own: 'messages' });
    deployment = createDeployment({ brokerUrl: emulator.url, tag: 'rki', sftp: target, dir: tempDir('messages'), extraToml: '[WATCH]\nDEBOUNCE = 1\nRESYNC = 3600\n' });
  });
  after(async () => {
    await emulator?.close();
  });

  it('a missing SFTP folder: exit 1 with REMOTE_NO_SUCH_PATH and no broker retry warning before it', async () => {
    // The broker answers slowly, so its call is still in flight when the folder check fails.
    emulator.setFaults({ routes: { filtered: { latencyMs: 500 } } });
    try {
      const config = variant('missing-folder.toml', /^FOLDERNAME = "(.*)"$/m, 'FOLDERNAME = "$1/no-such-folder"');
      const run = await runCliProcess(['plan', '-c', config], { cwd: deployment.dir });
      assert.equal(run.code, 1, run.combined);
      assert.match(run.stderr, /The remote folder \S+\/no-such-folder does not exist on 127\.0\.0\.1 \[REMOTE_NO_SUCH_PATH\]/);
      assert.doesNotMatch(run.stderr, /broker|retry/i, run.stderr);
      noStack(run.stderr);
    } finally {
      emulator.setFaults({});
    }
  });

  it('a broker that refuses the connection: exit 1, worded as a refusal naming host:port', async () => {
    const gone = await startBrokerEmulator({ port: 0 });
    const port = new URL(gone.url).port;
    await gone.close();
    const config = variant('refused.toml', /^URL = .*$/m, `URL = "http://127.0.0.1:${port}/broker/"`);
    const run = await runCliProcess(['plan', '-c', config], { cwd: deployment.dir });
    assert.equal(run.code, 1, run.combined);
    assert.match(run.stderr, new RegExp(`Error: The broker at 127\\.0\\.0\\.1:${port} refused the connection \\(GET /broker/request/filtered\\) \\[BROKER_NETWORK\\]`));
    assert.match(run.stderr, new RegExp(`Check that the broker is running and listening on 127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(run.stderr, /No complete answer/);
    noStack(run.stderr);
  });

  it('watch whose every cycle fails: /healthz 503 at the third failed cycle, 200 again once one succeeds', async () => {
    const run = startCli(['watch', '-c', deployment.configFile, '--listen', '127.0.0.1:0'], { cwd: deployment.dir });
    const lines = (pattern: RegExp) => run.stderrSoFar().split('\n').filter((l) => pattern.test(l));
    const onDisk = join(process.env.SFTP_IT_CHROOT!, 'upload', target.folder);
    try {
      const url = await eventually('the listen line', () => /\/healthz and \/metrics on (http:\S+)/.exec(run.stderrSoFar())?.[1]);
      const health = async () => {
        const response = await fetch(`${url}/healthz`);
        return { status: response.status, body: (await response.json()) as { failedCycles: number; reasons: string[] } };
      };
      await eventually('a healthy watch', async () => ((await health()).status === 200 ? true : undefined));

      renameSync(onDisk, `${onDisk}.away`); // the folder disappears under the running daemon
      await new BrokerDriver(emulator.url).createRequest({ tags: ['rki'] });
      const seen: number[] = [];
      const unhealthy = await eventually('503 from /healthz', async () => {
        const answer = await health();
        if (answer.status === 200) seen.push(answer.body.failedCycles);
        return answer.status === 503 ? answer.body : undefined;
      });
      assert.equal(unhealthy.failedCycles, 3, JSON.stringify(unhealthy));
      assert.deepEqual(unhealthy.reasons, ['3 cycles in a row failed']);
      assert.ok(Math.max(...seen) <= 2, `200 while at most 2 cycles had failed: ${seen.join(',')}`);
      assert.ok(lines(/ error watch: events cycle .* failed after .*REMOTE_NO_SUCH_PATH/).length >= 3, run.stderrSoFar());
      assert.deepEqual(lines(/from the broker/), [], 'no broker warning for an SFTP failure');

      renameSync(`${onDisk}.away`, onDisk);
      await eventually('healthy again after a successful retry', async () => ((await health()).status === 200 ? true : undefined));
    } finally {
      if (existsSync(`${onDisk}.away`)) renameSync(`${onDisk}.away`, onDisk);
      run.child.kill('SIGTERM');
    }
    const stopped = await run.done;
    assert.equal(stopped.code, 0, stopped.stderr);
  });
});

/**
 * SIGTERM to `aktin-sftp watch` while an upload is in flight, on real parts: the built CLI as a
 * child process, the broker emulator over HTTP and its websocket, the real sshd behind the TCP
 * fault proxy, which throttles the SFTP link so that a result of several MB is caught mid-upload
 * whatever the machine's speed. The upload in flight finishes (that is the documented behaviour:
 * the cycle stops starting work, it does not abandon it), the ledger records the file with its
 * size and is published, the lock is released, exit 0, and `drift` and `plan` find nothing to do.
 * While the upload runs, a cron `apply` on the same working directory meets the lock (exit 4).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { unzipSync } from 'fflate';
import { fernetDecrypt, parseFernetKey } from '../src/adapters/encryption/fernet/fernet.js';
import type { RemoteFolder } from '../src/app/ports.js';
import { isTempFileName } from '../src/core/remote-names.js';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from './broker-emulator/index.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { runCliProcess, startCli } from './support/cli-process.js';
import { createDeployment, openTargetFolder, sshdTarget, type Deployment } from './support/e2e-world.js';
import { eventually } from './support/eventually.js';
import { tempDir } from '../test/support/temp-dir.js';

const RESULT_BYTES = 4 * 1024 * 1024;

describe('aktin-sftp watch: SIGTERM during an upload', () => {
  let emulator: BrokerEmulator;
  let proxy: FaultProxy;
  let deployment: Deployment;
  let folder: RemoteFolder;

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    const target = sshdTarget({ own: 'watch-sigterm' });
    proxy = await startFaultProxy({ target: { port: target.port } });
    deployment = createDeployment({
      brokerUrl: emulator.url,
      tag: 'rki',
      sftp: { ...target, port: proxy.port },
      dir: tempDir('watch-sigterm'),
      extraToml: '[WATCH]\nDEBOUNCE = 1\nRESYNC = 3600\n',
    });
    folder = await openTargetFolder(target); // straight to sshd, past the proxy
    for (const file of await folder.list()) await folder.remove(file.name);
  });
  after(async () => {
    await folder?.close();
    await proxy?.stop();
    await emulator?.close();
  });

  it('finishes the upload in flight, records and publishes it, releases the lock and exits 0', async () => {
    const cli = (args: string[]) => runCliProcess([...args, '-c', deployment.configFile], { cwd: deployment.dir });
    const run = startCli(['watch', '-c', deployment.configFile], { cwd: deployment.dir });
    const lockFile = join(deployment.workingDir, 'status.xml.lock');
    const result = randomBytes(RESULT_BYTES); // incompressible: the token stays several MB
    let id = '';
    try {
      await eventually('the start cycle', () => (/ start cycle for all requests: /.test(run.stderrSoFar()) ? true : undefined));
      await eventually('the websocket', () => (emulator.websocket.stats().open === 1 ? true : undefined));

      // From the next SFTP connection on, uploads go at about 800 KB/s: seconds for the token.
      proxy.setFault({ kind: 'drip', direction: 'up', afterBytes: 0, intervalMs: 20, bytesPerTick: 16 * 1024 });
      const driver = new BrokerDriver(emulator.url);
      id = await driver.createRequest({ tags: ['rki'] });
      const hospital = driver.node('xxxApiKey123');
      await hospital.putResult(id, result, 'application/octet-stream');
      await hospital.postStatus(id, 'completed');

      // In flight: the temporary file has bytes, the final name does not exist yet.
      const temp = await eventually('the upload in flight', async () => {
        const files = await folder.list();
        const part = files.find((f) => isTempFileName(f.name) && f.name.includes(`export_${id}.zip`) && f.size > 0);
        return part && !files.some((f) => f.name === `export_${id}.zip`) ? part : undefined;
      });
      assert.ok(existsSync(lockFile), 'the cycle holds the ledger lock');

      // A cron run at the same time meets the lock and changes nothing.
      const cron = await cli(['apply', '--auto-approve']);
      assert.equal(cron.code, 4, cron.combined);
      assert.match(cron.stderr, /locked/i);

      run.child.kill('SIGTERM');
      const done = await run.done;
      assert.equal(done.code, 0, done.stderr);
      assert.ok(!/Error|at .*\.js:\d+/.test(done.stderr), done.stderr);
      assert.match(done.stderr, new RegExp(` events cycle for request ${id}: 1 create, 1 publish_ledger in `), done.stderr);
      assert.ok(!existsSync(lockFile), 'the lock is released');
      assert.ok(temp.size < (await folder.stat(`export_${id}.zip`))!.size, 'SIGTERM came before the upload was done');
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }

    proxy.setFault({ kind: 'pass' });
    const files = await folder.list();
    assert.deepEqual(files.map((f) => f.name).sort(), [`export_${id}.zip`, 'status.xml'], 'no temporary file left');
    const token = (await folder.read(`export_${id}.zip`, 64 << 20))!;
    const bundle = unzipSync(new Uint8Array(fernetDecrypt(parseFernetKey(deployment.key), token)));
    const results = Object.entries(bundle).filter(([name]) => /_result/.test(name));
    assert.equal(results.length, 1);
    assert.ok(Buffer.from(results[0]![1]).equals(result), 'the whole result arrived');

    const ledger = JSON.parse((await cli(['ledger', '--json'])).stdout) as { entries: { id: string; state: string; token_size: number | null }[] };
    assert.deepEqual(ledger.entries.map((e) => [e.id, e.token_size]), [[id, token.length]], 'recorded with the size on the server');
    const local = readFileSync(join(deployment.workingDir, 'status.xml'));
    assert.ok((await folder.read('status.xml', 1 << 20))!.equals(local), 'the published ledger is the local one');

    const drift = await cli(['drift']);
    assert.equal(drift.code, 0, drift.combined);
    const plan = await cli(['plan', '--detailed-exitcode']);
    assert.equal(plan.code, 0, plan.combined);
  });
});

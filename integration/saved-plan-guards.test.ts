/**
 * Guards that must hold on real parts (the built CLI, the real sshd, the broker emulator over
 * HTTP): an option given with a saved plan is refused or honoured, never dropped; a plan file and
 * a `_FILE` secret are read with a cap; a download cut short leaves no temporary file on the
 * server. Each case: the exit code, the message naming the file, nothing changed (or cleaned up),
 * no lock, no secret, and the next clean run converges.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RemoteFolder } from '../src/app/ports.js';
import { BrokerDriver } from './broker-driver.js';
import { startFaultProxy } from './fault-proxy.js';
import { startBrokerEmulator, type BrokerEmulator, type RouteFault } from './broker-emulator/index.js';
import { runCliProcess } from './support/cli-process.js';
import { createDeployment, openTargetFolder, sshdTarget, type Deployment, type SftpTarget } from './support/e2e-world.js';
import { tempDir } from '../test/support/temp-dir.js';

describe('saved-plan and input guards on real parts', () => {
  let emulator: BrokerEmulator;
  let driver: BrokerDriver;
  let target: SftpTarget;
  let deployment: Deployment;
  let folder: RemoteFolder;
  const cli = (args: string[], env: Record<string, string> = {}) => runCliProcess(['-c', deployment.configFile, ...args], { cwd: deployment.dir, env });
  const clean = (text: string) => {
    assert.doesNotMatch(text, /\n\s+at .*:\d+:\d+/, 'no stack trace');
    assert.ok(!text.includes(target.password) && !text.includes('xxxAdmin1234'), 'no secret');
    assert.ok(!existsSync(join(deployment.workingDir, 'status.xml.lock')), 'no lock left behind');
  };
  const names = async () => (await folder.list()).map((f) => f.name).sort();
  const addRequest = async (body: string | Buffer) => {
    const id = await driver.createRequest({ tags: ['rki'] });
    await driver.node('xxxApiKey123').putResult(id, body, 'text/plain');
    await driver.node('xxxApiKey123').postStatus(id, 'completed');
    return id;
  };
  const converges = async () => {
    emulator.setFaults({});
    const run = await cli(['apply', '--auto-approve', '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((await cli(['plan', '--detailed-exitcode'])).code, 0, 'nothing left to do');
  };

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    driver = new BrokerDriver(emulator.url);
    for (let i = 0; i < 2; i++) await addRequest(`result ${i}`);
    target = sshdTarget({ own: 'guards' });
    deployment = createDeployment({ brokerUrl: emulator.url, tag: 'rki', sftp: target, dir: tempDir('guards') });
    folder = await openTargetFolder(target);
    for (const file of await folder.list()) await folder.remove(file.name);
    const first = await cli(['apply', '--auto-approve', '--quiet']);
    assert.equal(first.code, 0, first.stderr);
  });
  after(async () => {
    for (const file of (await folder?.list()) ?? []) await folder.remove(file.name);
    await folder?.close();
    await emulator?.close();
  });

  describe('a saved plan that deletes export_1.zip', () => {
    before(async () => {
      await driver.deleteRequest('1');
      const planned = await cli(['plan', '-o', 'plan.json']);
      assert.equal(planned.code, 0, planned.stderr);
      assert.match(planned.stdout, /export_1\.zip will be (destroyed|deleted)/);
    });

    const refused: [string, string[]][] = [
      ['--only', ['--only', '0']],
      ['--prune-orphans', ['--prune-orphans']],
      ['--allow-mass-delete', ['--allow-mass-delete']],
      ['--detailed-exitcode', ['--detailed-exitcode']],
      ['--dry-run', ['--dry-run']],
    ];
    for (const [option, words] of refused) {
      it(`apply ${words.join(' ')} plan.json: exit 64 before anything, nothing deleted`, async () => {
        // As an operator types it: the options, then -c, then the plan file.
        const run = await runCliProcess(['apply', ...words, '-c', deployment.configFile, 'plan.json'], { cwd: deployment.dir });
        assert.equal(run.code, 64, run.stderr + run.stdout);
        assert.match(run.stderr, new RegExp(`apply ${option} does not combine with a saved plan \\(plan\\.json\\) \\[USAGE\\]`));
        clean(run.stderr);
        assert.deepEqual(await names(), ['export_0.zip', 'export_1.zip', 'status.xml']);
      });
    }

    it('apply -c FILE --only 0 plan.json (--only takes the plan file as an id): exit 64, saying why', async () => {
      const run = await cli(['apply', '--only', '0', 'plan.json']);
      assert.equal(run.code, 64, run.stderr);
      assert.match(run.stderr, /--only takes request ids \(whole numbers\), got "plan\.json" \[USAGE\]/);
      assert.match(run.stderr, /a saved plan takes no --only/);
      clean(run.stderr);
      assert.deepEqual(await names(), ['export_0.zip', 'export_1.zip', 'status.xml']);
    });

    it('apply --max-delete 0 plan.json: the guard holds, exit 1, nothing deleted', async () => {
      const run = await cli(['apply', '--max-delete', '0', 'plan.json']);
      assert.equal(run.code, 1, run.stderr + run.stdout);
      assert.match(run.stderr, /Refusing to apply plan\.json: it deletes 1 file\(s\), more than --max-delete 0 \[PLAN_DELETE_CAP\]/);
      clean(run.stderr);
      assert.deepEqual(await names(), ['export_0.zip', 'export_1.zip', 'status.xml']);
    });

    it('a 1.0 plan that keeps options.only: exit 64, nothing deleted', async () => {
      const plan = JSON.parse(readFileSync(join(deployment.dir, 'plan.json'), 'utf8'));
      writeFileSync(join(deployment.dir, 'relabelled.json'), JSON.stringify({ ...plan, format_version: '1.0', options: { ...plan.options, only: ['0'] } }));
      const run = await cli(['apply', 'relabelled.json']);
      assert.equal(run.code, 64, run.stderr);
      assert.match(run.stderr, /relabelled\.json says format 1\.0 but holds options\.only/);
      clean(run.stderr);
      assert.deepEqual(await names(), ['export_0.zip', 'export_1.zip', 'status.xml']);
    });

    it('a plan file past 64 MiB: exit 64 unparsed, naming the file and the limit', async () => {
      const huge = join(deployment.dir, 'huge.json');
      writeFileSync(huge, '');
      truncateSync(huge, 64 * 1024 * 1024 + 1);
      const run = await cli(['apply', 'huge.json']);
      assert.equal(run.code, 64, run.stderr);
      assert.match(run.stderr, /Cannot read the plan .*huge\.json \[PLAN_INVALID\]/);
      assert.match(run.stderr, /more than 64 MiB/);
      clean(run.stderr);
    });

    it('with a guard that allows it, the plan applies; the next run converges', async () => {
      const run = await cli(['apply', '--max-delete', '1', 'plan.json']);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(await names(), ['export_0.zip', 'status.xml']);
      await converges();
    });
  });

  it('a path with an escape sequence is echoed escaped: exit 64, no raw control character', async () => {
    const run = await runCliProcess(['validate', '-c', join(deployment.dir, 'x\u001b[31mred.toml')], { cwd: deployment.dir });
    assert.equal(run.code, 64, run.stderr);
    assert.match(run.stderr, /Configuration file .*x\\u001b\[31mred\.toml not found \[CONFIG_NOT_FOUND\]/);
    assert.ok(!run.stderr.includes('\u001b'), 'no raw ESC');
  });

  it('a 100 KB FOLDERNAME is shown cut, not echoed whole', async () => {
    const long = join(deployment.dir, 'long-folder.toml');
    writeFileSync(long, readFileSync(deployment.configFile, 'utf8').replace(/^FOLDERNAME = .*$/m, `FOLDERNAME = "${'f'.repeat(100_000)}"`), { mode: 0o600 });
    const run = await runCliProcess(['plan', '-c', long], { cwd: deployment.dir });
    assert.equal(run.code, 1, run.stderr.slice(0, 2000));
    assert.match(run.stderr, /f… \(1000\d\d characters\)/);
    assert.ok(run.stderr.length < 4000, `${run.stderr.length} characters on stderr`);
    clean(run.stderr);
  });

  it('a _FILE secret naming /dev/zero: exit 64 at once, naming the variable, the file and the limit', async () => {
    const run = await cli(['apply', '--auto-approve'], { AKTIN_SFTP_SFTP_PASSWORD_FILE: '/dev/zero' });
    assert.equal(run.code, 64, run.stderr);
    assert.match(run.stderr, /`\[SFTP\] PASSWORD` \(from AKTIN_SFTP_SFTP_PASSWORD_FILE\) must name a file of at most 4 KiB, got "\/dev\/zero"/);
    clean(run.stderr);
  });

  it('a download cut while a slow SFTP link is still opening the temporary file: exit 1, no .part file left', async () => {
    // The server's answers trickle: the broker's cut arrives before the upload has created its file.
    const proxy = await startFaultProxy({ target: { port: target.port }, fault: { kind: 'drip', direction: 'down', afterBytes: 0, intervalMs: 20, bytesPerTick: 256 } });
    const slow = join(deployment.dir, 'slow.toml');
    writeFileSync(slow, readFileSync(deployment.configFile, 'utf8').replace(/^PORT = .*$/m, `PORT = ${proxy.port}`).replace(/^TIMEOUT = .*$/m, 'TIMEOUT = "60"'), { mode: 0o600 });
    try {
      const id = await addRequest(Buffer.alloc(50_000, 9));
      emulator.setFaults({ routes: { download: { truncate: true, truncateAt: 10 } } });
      const run = await runCliProcess(['apply', '--auto-approve', '-c', slow], { cwd: deployment.dir });
      assert.equal(run.code, 1, run.stderr + run.stdout);
      assert.match(run.stderr, /BROKER_(NETWORK|PROTOCOL)/);
      clean(run.stderr);
      assert.deepEqual((await names()).filter((n) => n.endsWith('.part')), [], 'no temporary file');
      assert.ok(!(await names()).includes(`export_${id}.zip`));
    } finally {
      await proxy.stop();
    }
    await converges();
  });

  const cuts: [string, RouteFault][] = [
    ['half the body, then the connection closed', { truncate: true }],
    ['the first 10 bytes, then closed', { truncate: true, truncateAt: 10 }],
    ['the whole body under a Content-Length 1000 bytes larger, then closed', { lengthMismatch: 1000 }],
  ];
  for (const [name, fault] of cuts) {
    it(`a download cut short of its Content-Length (${name}): exit 1, no .part file left on the server`, async () => {
      const id = await addRequest(randomBytes(3_000_000));
      emulator.setFaults({ routes: { download: fault } });
      const run = await cli(['apply', '--auto-approve']);
      assert.equal(run.code, 1, run.stderr + run.stdout);
      assert.match(run.stderr, /BROKER_(NETWORK|PROTOCOL)/);
      clean(run.stderr);
      assert.deepEqual((await names()).filter((n) => n.endsWith('.part')), [], 'no temporary file');
      assert.ok(!(await names()).includes(`export_${id}.zip`));
      await converges();
      assert.ok((await names()).includes(`export_${id}.zip`));
    });
  }
});

/**
 * `plan` and `show` end to end in-process: the broker emulator over HTTP and the in-process
 * SFTP server, the CLI through runCli. Read-only, exit codes, JSON, --diff, and no secrets.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readPlanFile } from '../../src/adapters/files/plan-file.js';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { BrokerDriver } from '../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../integration/broker-emulator/index.js';
import { startLocalSftpServer, type LocalSftpServer } from '../../integration/local-sftp-server.js';
import { createDeployment, type Deployment } from '../../integration/support/e2e-world.js';
import { tempDir } from '../support/temp-dir.js';

function io(cwd: string) {
  let out = '';
  let err = '';
  const value: CliIo = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, isTTY: false, env: {}, cwd };
  return { io: value, out: () => out, err: () => err };
}

describe('plan and show commands', () => {
  let emulator: BrokerEmulator;
  let sftp: LocalSftpServer;
  let deployment: Deployment;
  const outputs: string[] = [];
  const cli = async (...args: string[]) => {
    const t = io(deployment.dir);
    const code = await runCli(['-c', deployment.configFile, ...args], t.io);
    outputs.push(t.out(), t.err());
    return { code, out: t.out(), err: t.err() };
  };

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    const root = tempDir('plan-cli');
    mkdirSync(join(root, 'rki'));
    sftp = await startLocalSftpServer({ root });
    const driver = new BrokerDriver(emulator.url);
    for (const tags of [['rki'], ['other'], ['rki']]) {
      const id = await driver.createRequest({ tags });
      await driver.node('xxxApiKey123').postStatus(id, 'completed');
    }
    await driver.node('xxxApiKey567').postStatus('2', 'retrieved');
    deployment = createDeployment({
      brokerUrl: emulator.url,
      tag: 'rki',
      sftp: { host: sftp.host, port: sftp.port, username: sftp.username, password: sftp.password, folder: 'rki', hostKeyFingerprint: sftp.hostKeyFingerprint },
    });
    // The ledger the original tool wrote after its run 2: 4 and 2 at 0.5, 0 deleted, 6 at 0.0.
    copyFileSync('test/fixtures/ledger/original-run2.xml', join(deployment.workingDir, 'status.xml'));
  });
  after(async () => {
    await sftp?.close();
    await emulator?.close();
  });

  it('prints the plan against an original ledger, saves it, and writes nothing else', async () => {
    const ledgerBefore = readFileSync(join(deployment.workingDir, 'status.xml'));
    const run = await cli('plan', '-o', 'plan.json', '--detailed-exitcode');
    assert.equal(run.code, 2, run.err);
    assert.match(run.out, /^ {2}\+ export_0\.zip will be created: request 0 is listed again after its file was deleted \(completion 1\.0\)$/m);
    assert.match(run.out, /^-\/\+ export_2\.zip must be replaced: the file is missing on the server$/m);
    assert.match(run.out, /^ {2}- export_4\.zip will be destroyed: request 4 is no longer listed by the broker$/m);
    assert.match(run.out, /^ {2}- export_6\.zip will be destroyed/m);
    assert.match(run.out, /^Plan: 2 to add, 1 to change, 3 to destroy\.$/m);
    assert.deepEqual(readdirSync(join(sftp.root, 'rki')), [], 'plan never writes to the SFTP server');
    assert.ok(readFileSync(join(deployment.workingDir, 'status.xml')).equals(ledgerBefore), 'nor to the ledger');
    const plan = await readPlanFile(join(deployment.dir, 'plan.json'));
    assert.equal(plan.summary.add, 2);
    assert.equal(statSync(join(deployment.dir, 'plan.json')).isFile(), true);
  });

  it('prints the plan document with --json (and only that), and the ledger change with --diff', async () => {
    const json = await cli('plan', '--json');
    assert.equal(json.code, 0);
    assert.equal(JSON.parse(json.out).format_version, '1.0');
    writeFileSync(join(deployment.dir, 'stdout.json'), json.out);
    const plan = await readPlanFile(join(deployment.dir, 'stdout.json'));
    assert.deepEqual(plan.summary, { add: 2, change: 1, destroy: 3, publish_ledger: true });
    const diff = await cli('plan', '--diff');
    assert.match(diff.out, /^--- a\/status\.xml$/m);
    assert.match(diff.out, /^- {2}<request-status><id>4<\/id>/m);
    assert.match(diff.out, /^\+ {2}<request-status[^\n]*><id>4<\/id>[^\n]*<deleted>/m);
  });

  it('refuses to plan deletions when the broker lists no request for the tag, and saves nothing', async () => {
    const t = io(deployment.dir);
    const code = await runCli(['-c', deployment.configFile, 'plan', '-o', 'refused.json', '--detailed-exitcode'], { ...t.io, env: { AKTIN_SFTP_REQUESTS_TAG: 'nobody' } });
    outputs.push(t.out(), t.err());
    assert.equal(code, 1);
    assert.match(t.err(), /PLAN_DELETE_CAP/);
    assert.match(t.err(), /no request tagged 'nobody'/);
    assert.match(t.err(), /--allow-mass-delete/);
    assert.equal(existsSync(join(deployment.dir, 'refused.json')), false);
    assert.deepEqual(readdirSync(join(sftp.root, 'rki')), []);
  });

  it('refuses more deletions than --max-delete, naming them', async () => {
    const run = await cli('plan', '--max-delete', '1');
    assert.equal(run.code, 1);
    assert.match(run.err, /Refusing to delete 2 files: more than the cap of 1/);
    assert.match(run.err, /request\(s\) 4, 6/);
  });

  it('exits 0 with --detailed-exitcode when there is nothing to do', async () => {
    const empty = createDeployment({
      brokerUrl: emulator.url,
      tag: 'nobody',
      sftp: { host: sftp.host, port: sftp.port, username: sftp.username, password: sftp.password, folder: 'rki', hostKeyFingerprint: sftp.hostKeyFingerprint },
    });
    const t = io(empty.dir);
    const code = await runCli(['-c', empty.configFile, 'plan', '--detailed-exitcode'], t.io);
    outputs.push(t.out(), t.err());
    assert.equal(code, 0, t.err());
    assert.match(t.out(), /^No changes\. The SFTP folder and the ledger match the broker\.$/m);
  });

  it('show warns about a plan of another tool version, and refuses an invalid plan', async () => {
    const plan = JSON.parse(readFileSync(join(deployment.dir, 'plan.json'), 'utf8'));
    writeFileSync(join(deployment.dir, 'old.json'), JSON.stringify({ ...plan, tool_version: '0.0.1' }));
    const old = await cli('show', 'old.json');
    assert.equal(old.code, 0);
    assert.match(old.err, /old\.json was made by aktin-sftp 0\.0\.1; this is /);
    assert.match(old.out, /^Plan: 2 to add, 1 to change, 3 to destroy\.$/m);
    writeFileSync(join(deployment.dir, 'broken.json'), JSON.stringify({ ...plan, actions: [{ ...plan.actions[0], kind: 'chmod' }] }));
    const broken = await cli('show', 'broken.json');
    assert.equal(broken.code, 64);
    assert.match(broken.err, /PLAN_INVALID/);
    assert.match(broken.err, /\/actions\/0\/kind/);
  });

  it('shows a saved plan', async () => {
    const shown = await cli('show', 'plan.json');
    assert.equal(shown.code, 0);
    assert.match(shown.out, /^Plan: 2 to add/m);
    assert.equal(JSON.parse((await cli('show', 'plan.json', '--json')).out).plan_id, (await readPlanFile(join(deployment.dir, 'plan.json'))).plan_id);
  });

  it('apply without a plan file asks first, and refuses without a terminal to ask', async () => {
    const noTerminal = await cli('apply');
    assert.equal(noTerminal.code, 1);
    assert.match(noTerminal.err, /CONFIRMATION_REQUIRED/);
    assert.match(noTerminal.err, /--auto-approve/);
    const t = io(deployment.dir);
    const asked: string[] = [];
    const code = await runCli(['-c', deployment.configFile, 'apply'], { ...t.io, confirm: async (q) => (asked.push(q), false) });
    assert.equal(code, 1);
    assert.match(asked[0]!, /Only 'yes' will be accepted/);
    assert.match(t.err(), /Apply cancelled/);
    assert.deepEqual(readdirSync(join(sftp.root, 'rki')), [], 'nothing was changed');
  });

  it('never shows the password, the API key or the Fernet key', () => {
    const plan = readFileSync(join(deployment.dir, 'plan.json'), 'utf8');
    for (const text of [...outputs, plan]) {
      assert.ok(!text.includes(sftp.password));
      assert.ok(!text.includes('xxxAdmin1234'));
      assert.ok(!text.includes(deployment.key));
    }
  });

  it('without a pinned host key, refuses the server and prints its fingerprint to pin', async () => {
    const unpinned = join(deployment.dir, 'unpinned.toml');
    writeFileSync(unpinned, readFileSync(deployment.configFile, 'utf8').replace(/^HOST_KEY_FINGERPRINTS = .*$/m, ''));
    const t = io(deployment.dir);
    assert.equal(await runCli(['plan', '-c', unpinned], t.io), 1);
    assert.match(t.err(), /HOST_KEY_UNKNOWN/);
    assert.ok(t.err().includes(`HOST_KEY_FINGERPRINTS = ["${sftp.hostKeyFingerprint}"]`));
  });

  it('fails with exit 64 and every problem for an invalid configuration', async () => {
    const t = io(deployment.dir);
    const code = await runCli(['plan', '-c', 'test/fixtures/config/does-not-exist.toml'], { ...t.io, cwd: process.cwd() });
    assert.equal(code, 64);
    assert.match(t.err(), /CONFIG_NOT_FOUND/);
  });
});

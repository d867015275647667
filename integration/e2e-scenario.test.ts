/**
 * The original tool's integration scenario (docs/original-tool.md §7.1), through the built CLI,
 * against the broker emulator over HTTP and the real OpenSSH sshd — plus what the original
 * never checked: Python decrypts our upload to the broker's bundle byte for byte, a second
 * apply of the same plan is a no-op, a stale plan is refused, drift is found and repaired.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RemoteFolder } from '../src/app/ports.js';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from './broker-emulator/index.js';
import { runCliProcess, type CliRun } from './support/cli-process.js';
import { createDeployment, openTargetFolder, pythonDecrypt, sshdTarget, type Deployment, type SftpTarget } from './support/e2e-world.js';

const count = (xml: string, tag: string) => (xml.match(new RegExp(`<${tag}[\\s>/]`, 'g')) ?? []).length;
/** The bundle as an admin downloads it by hand (export, then download). */
async function downloadBundle(url: string, id: string): Promise<Buffer> {
  const exported = await fetch(`${url}/broker/export/request-bundle/${id}`, {
    method: 'POST',
    headers: { Authorization: 'Bearer xxxAdmin1234', Accept: 'text/plain' },
  });
  assert.equal(exported.status, 200);
  const download = await fetch(`${url}/broker/download/${await exported.text()}`);
  assert.equal(download.status, 200);
  return Buffer.from(await download.arrayBuffer());
}

const zipMagic = (bytes: Buffer) => bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));

describe('end to end: the original scenario on real parts', () => {
  let emulator: BrokerEmulator;
  let broker: BrokerDriver;
  let target: SftpTarget;
  let deployment: Deployment;
  let folder: RemoteFolder;
  const outputs: string[] = [];

  const cli = async (...args: string[]): Promise<CliRun> => {
    const run = await runCliProcess(['-c', deployment.configFile, ...args], { cwd: deployment.dir });
    outputs.push(run.stdout, run.stderr);
    return run;
  };
  const names = async () => (await folder.list()).map((f) => f.name).sort();
  const ledger = () => readFileSync(join(deployment.workingDir, 'status.xml'), 'utf8');
  const remoteLedger = async () => (await folder.read('status.xml', 1 << 20))!.toString('utf8');

  before(async () => {
    target = sshdTarget({ own: 'e2e' });
    emulator = await startBrokerEmulator({ port: 0 });
    broker = new BrokerDriver(emulator.url);
    deployment = createDeployment({ brokerUrl: emulator.url, tag: 'rki', sftp: target });
    folder = await openTargetFolder(target);
    for (const name of await folder.list()) await folder.remove(name.name);

    // Step 2–4: 3 requests tagged rki and 3 default, alternating (ids 0, 2, 4 are rki); client 1 completes all.
    const client1 = broker.node('xxxApiKey123');
    for (let i = 0; i < 6; i++) {
      const id = await broker.createRequest({ tags: [i % 2 === 0 ? 'rki' : 'default'] });
      assert.equal(id, String(i));
      await client1.putResult(id, `patient;count\n${i};${10 * i}\n`, 'text/csv');
      await client1.postStatus(id, 'completed');
    }
  });

  after(async () => {
    await folder?.close();
    await emulator?.close();
  });

  let plan1: string;

  it('run 1: plans 3 new exports and applies them', async () => {
    plan1 = join(deployment.dir, 'plan1.json');
    const plan = await cli('plan', '-o', plan1, '--detailed-exitcode');
    assert.equal(plan.code, 2, plan.stderr);
    assert.match(plan.stdout, /Plan: 3 to add, 1 to change, 0 to destroy\./);

    const apply = await cli('apply', plan1);
    assert.equal(apply.code, 0, apply.stderr + apply.stdout);
    assert.equal(count(ledger(), 'request-status'), 3);
    assert.deepEqual(await names(), ['export_0.zip', 'export_2.zip', 'export_4.zip', 'status.xml']);
    assert.equal(count(await remoteLedger(), 'request-status'), 3);
  });

  it('applying the same plan again changes nothing and says so', async () => {
    const before = { ledger: ledger(), files: await folder.list() };
    const again = await cli('apply', plan1);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already been applied/);
    assert.equal(ledger(), before.ledger);
    assert.deepEqual(await folder.list(), before.files);
  });

  let stalePlan: string;

  it('run 2 setup: a request added, one deleted, a second hospital retrieves', async () => {
    assert.equal(await broker.createRequest({ tags: ['rki'] }), '6');
    assert.equal(await broker.createRequest({ tags: ['default'] }), '7');
    await broker.deleteRequest('0');
    const client2 = broker.node('xxxApiKey567');
    for (const id of ['1', '2', '3', '4', '5']) await client2.postStatus(id, 'retrieved');

    stalePlan = join(deployment.dir, 'stale.json');
    const plan = await cli('plan', '-o', stalePlan);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /Plan: 1 to add, 3 to change, 1 to destroy\./);
  });

  it('refuses a plan saved before the broker moved, and changes nothing', async () => {
    // Client 1 re-submits request 2's result: the ratio stays 1/2, the original would miss it.
    const client1 = broker.node('xxxApiKey123');
    await client1.putResult('2', 'patient;count\n2;21\n', 'text/csv');
    await client1.postStatus('2', 'completed', { date: new Date(Date.now() + 60_000) });
    const before = { ledger: ledger(), files: await folder.list() };

    const apply = await cli('apply', stalePlan);
    assert.equal(apply.code, 3, apply.stderr);
    assert.match(apply.stderr, /stale/i);
    assert.match(apply.stderr, /request 2/);
    assert.equal(ledger(), before.ledger);
    assert.deepEqual(await folder.list(), before.files);
  });

  it('run 2: 1 new, 2 updates, 1 delete, as the original expects', async () => {
    const plan2 = join(deployment.dir, 'plan2.json');
    const plan = await cli('plan', '-o', plan2);
    assert.match(plan.stdout, /Plan: 1 to add, 3 to change, 1 to destroy\./);
    const apply = await cli('apply', plan2);
    assert.equal(apply.code, 0, apply.stderr + apply.stdout);

    const local = ledger();
    assert.equal(count(local, 'request-status'), 4);
    assert.equal(count(local, 'last-update'), 2);
    assert.equal(count(local, 'deleted'), 1);
    assert.equal(count(await remoteLedger(), 'request-status'), 4);
    assert.deepEqual(await names(), ['export_2.zip', 'export_4.zip', 'export_6.zip', 'status.xml']);
  });

  it('Python decrypts export_2.zip to the broker\'s bundle, byte for byte', async () => {
    const tokenFile = join(deployment.dir, 'export_2.zip.token');
    const plainFile = join(deployment.dir, 'export_2.decrypted.zip');
    const token = (await folder.read('export_2.zip', 64 << 20))!;
    assert.ok(!zipMagic(token), 'the uploaded file is a Fernet token, not a zip');
    assert.ok(token.toString('latin1').startsWith('gAAAAA'));
    writeFileSync(tokenFile, token);
    pythonDecrypt(deployment.keyFile, tokenFile, plainFile);
    const plain = readFileSync(plainFile);
    assert.ok(zipMagic(plain), 'after decryption it is a zip');
    assert.ok(plain.equals(await downloadBundle(emulator.url, '2')), 'identical to the bundle the broker exports');
  });

  it('drift finds a file removed behind the tool\'s back, and the next apply repairs it', async () => {
    assert.equal(await folder.remove('export_4.zip'), true);
    const drift = await cli('drift');
    assert.equal(drift.code, 2, drift.stderr);
    assert.match(drift.stdout, /export_4\.zip: missing/);

    const repair = await cli('apply', '--auto-approve');
    assert.equal(repair.code, 0, repair.stderr + repair.stdout);
    assert.match(repair.stdout, /Plan: 1 to add, 1 to change, 1 to destroy\./);
    assert.deepEqual(await names(), ['export_2.zip', 'export_4.zip', 'export_6.zip', 'status.xml']);

    const clean = await cli('drift');
    assert.equal(clean.code, 0, clean.stdout);
    const noChanges = await cli('plan', '--detailed-exitcode');
    assert.equal(noChanges.code, 0, noChanges.stdout);
  });

  it('never prints a password, API key or key material', () => {
    const plans = ['plan1.json', 'stale.json', 'plan2.json'].map((f) => readFileSync(join(deployment.dir, f), 'utf8'));
    for (const text of [...outputs, ...plans]) {
      assert.ok(!text.includes(target.password), 'SFTP password leaked');
      assert.ok(!text.includes('xxxAdmin1234'), 'API key leaked');
      assert.ok(!text.includes(deployment.key), 'Fernet key leaked');
    }
  });
});

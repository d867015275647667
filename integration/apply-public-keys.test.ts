/**
 * An apply with age and with Crypt4GH on real parts (the broker emulator over HTTP, the real
 * OpenSSH sshd, the built CLI): every file on the server has its scheme's name and opens to the
 * broker's exact bundle — with the `age` CLI (`age -d -i`, identity made by `age-keygen`) for
 * age, with our Crypt4GH open stream for Crypt4GH — the ledger and the published status.xml name
 * the key that sealed each file, and nothing the run leaves or prints holds private key material.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCrypt4ghOpenStream, formatCrypt4ghPublicKey, generateCrypt4ghSecretKey } from '../src/adapters/encryption/crypt4gh/index.js';
import type { RemoteFolder } from '../src/app/ports.js';
import { through } from '../test/support/crypt4gh-vectors.js';
import { tempDir } from '../test/support/temp-dir.js';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from './broker-emulator/index.js';
import { runCliProcess, type CliRun } from './support/cli-process.js';
import { openTargetFolder, settingsToml, sshdTarget, type SftpTarget } from './support/e2e-world.js';

/** The bundle as an admin downloads it by hand (export, then download). */
async function downloadBundle(url: string, id: string): Promise<Buffer> {
  const exported = await fetch(`${url}/broker/export/request-bundle/${id}`, { method: 'POST', headers: { Authorization: 'Bearer xxxAdmin1234', Accept: 'text/plain' } });
  assert.equal(exported.status, 200);
  const download = await fetch(`${url}/broker/download/${await exported.text()}`);
  assert.equal(download.status, 200);
  return Buffer.from(await download.arrayBuffer());
}

interface Run {
  readonly dir: string;
  readonly target: SftpTarget;
  readonly folder: RemoteFolder;
  readonly outputs: string[];
  cli(...args: string[]): Promise<CliRun>;
}

describe('apply with public-key recipients on the real sshd', () => {
  let emulator: BrokerEmulator;
  const ids: string[] = [];
  const folders: RemoteFolder[] = [];

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    const broker = new BrokerDriver(emulator.url);
    // One small result and one of several 64 KiB segments and chunks.
    for (const body of ['patient;count\n1;10\n', `patient;count\n${randomBytes(150_000).toString('base64')}\n`]) {
      const id = await broker.createRequest({ tags: ['rki'] });
      await broker.node('xxxApiKey123').putResult(id, body, 'text/csv');
      await broker.node('xxxApiKey123').postStatus(id, 'completed');
      ids.push(id);
    }
  });
  after(async () => {
    for (const folder of folders) await folder.close();
    await emulator?.close();
  });

  async function deploy(own: string, security: string): Promise<Run> {
    const target = sshdTarget({ own });
    const dir = tempDir(own);
    const toml = settingsToml({ brokerUrl: emulator.url, tag: 'rki', sftp: target, keyFile: 'unused', workingDir: dir }).replace(/\[SECURITY\]\nPATH_ENCRYPTION_KEY = "unused"\n/, `[SECURITY]\n${security}\n`);
    assert.ok(toml.includes(security));
    writeFileSync(join(dir, 'settings.toml'), toml, { mode: 0o600 });
    const folder = await openTargetFolder(target);
    folders.push(folder);
    for (const file of await folder.list()) await folder.remove(file.name);
    const outputs: string[] = [];
    const cli = async (...args: string[]) => {
      const run = await runCliProcess(['-c', join(dir, 'settings.toml'), ...args], { cwd: dir });
      outputs.push(run.stdout, run.stderr);
      return run;
    };
    return { dir, target, folder, outputs, cli };
  }

  /** plan -o, validate, apply (JSON and JSON logs), ledger, drift --checksum: the whole run, outputs kept. */
  async function planAndApply(run: Run, suffix: string): Promise<void> {
    const plan = await run.cli('plan', '-o', 'plan.json', '--detailed-exitcode');
    assert.equal(plan.code, 2, plan.combined);
    for (const id of ids) assert.match(plan.stdout, new RegExp(`export_${id}\\.zip${suffix.replace('.', '\\.')} will be created`));
    assert.equal((await run.cli('plan', '--json')).code, 0);
    const apply = await run.cli('apply', 'plan.json', '--json', '--log-format', 'json');
    assert.equal(apply.code, 0, apply.combined);
    const names = (await run.folder.list()).map((f) => f.name).sort();
    assert.deepEqual(names, [...ids.map((id) => `export_${id}.zip${suffix}`), 'status.xml'].sort());
    assert.equal((await run.cli('ledger', '--json')).code, 0);
    const drift = await run.cli('drift', '--checksum');
    assert.equal(drift.code, 0, drift.combined);
    const again = await run.cli('plan', '--detailed-exitcode');
    assert.equal(again.code, 0, again.combined);
  }

  /** The ledger and the published status.xml name the key of every entry. */
  async function assertKeysRecorded(run: Run, scheme: string, keyId: string): Promise<void> {
    const local = readFileSync(join(run.dir, 'status.xml'), 'utf8');
    const remote = (await run.folder.read('status.xml', 1 << 20))!.toString('utf8');
    assert.equal(remote, local);
    assert.equal(local.match(new RegExp(` key="${scheme}:${keyId}"`, 'g'))?.length, ids.length, local);
  }

  /** Every text the run left or printed: configuration, plans, ledger files, outputs, the remote ledger. */
  async function everythingWritten(run: Run): Promise<string> {
    const files = readdirSync(run.dir)
      .map((name) => join(run.dir, name))
      .filter((path) => statSync(path).isFile())
      .map((path) => readFileSync(path, 'latin1'));
    return [...files, ...run.outputs, (await run.folder.read('status.xml', 1 << 20))!.toString('latin1')].join('\n');
  }

  function assertNoSecret(text: string, secrets: readonly Buffer[]): void {
    for (const marker of ['AGE-SECRET-KEY', 'age-secret-key', 'PRIVATE KEY', 'c4gh-v1']) assert.ok(!text.includes(marker), `${marker} found`);
    for (const secret of secrets) {
      for (const form of [secret.toString('hex'), secret.toString('base64'), secret.toString('base64url'), secret.toString('latin1')]) {
        assert.ok(!text.includes(form), 'private key bytes found');
      }
    }
    assert.ok(text.length > 1000, 'the scan saw the run');
  }

  it('age: the age CLI opens every file to the bundle; the ledger names the recipient set; no secret anywhere', async () => {
    const agency = tempDir('agency-age');
    const identityFile = join(agency, 'rki.age');
    execFileSync('age-keygen', ['-o', identityFile], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', identityFile], { encoding: 'utf8' }).trim();
    const run = await deploy('pubkey-age', `ENCRYPTION = "age"\nRECIPIENTS = ["${recipient}"]`);

    const validate = await run.cli('validate', '--json');
    assert.equal(validate.code, 0, validate.combined);
    const report = JSON.parse(validate.stdout) as { key_file: { recipients: string[]; key_id: string; holds_secret_key: boolean } };
    assert.deepEqual(report.key_file.recipients, [recipient]);
    assert.equal(report.key_file.holds_secret_key, false);
    await planAndApply(run, '.age');

    for (const id of ids) {
      const sealed = join(agency, `export_${id}.zip.age`);
      writeFileSync(sealed, (await run.folder.read(`export_${id}.zip.age`, 64 << 20))!);
      const plain = execFileSync('age', ['-d', '-i', identityFile, sealed], { maxBuffer: 64 << 20 });
      assert.ok(plain.equals(await downloadBundle(emulator.url, id)), `export_${id}.zip.age opens to the broker's bundle`);
    }
    await assertKeysRecorded(run, 'age', report.key_file.key_id);

    const identity = readFileSync(identityFile, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
    const text = await everythingWritten(run);
    assert.ok(!text.includes(identity) && !text.includes(identity.toLowerCase()), 'the identity is nowhere');
    assertNoSecret(text, []);
  });

  it('crypt4gh: our open stream opens every file to the bundle; the ledger names the recipient; no secret anywhere', async () => {
    const reader = generateCrypt4ghSecretKey();
    const run = await deploy('pubkey-c4gh', 'ENCRYPTION = "crypt4gh"\nRECIPIENT_KEYS = ["rki.c4gh.pub"]');
    writeFileSync(join(run.dir, 'rki.c4gh.pub'), formatCrypt4ghPublicKey(reader.publicKey));

    const validate = await run.cli('validate');
    assert.equal(validate.code, 0, validate.combined);
    assert.match(validate.stdout, /Encryption: Crypt4GH to 1 recipient, key id ([0-9a-f]{16})\. This configuration holds no secret key:/);
    const keyId = /key id ([0-9a-f]{16})/.exec(validate.stdout)![1]!;
    assert.ok(validate.stdout.includes(reader.publicKey.toString('base64')));
    await planAndApply(run, '.c4gh');

    for (const id of ids) {
      const sealed = (await run.folder.read(`export_${id}.zip.c4gh`, 64 << 20))!;
      assert.equal(sealed.subarray(0, 8).toString('latin1'), 'crypt4gh');
      const plain = await through(createCrypt4ghOpenStream(reader), sealed);
      assert.ok(plain.equals(await downloadBundle(emulator.url, id)), `export_${id}.zip.c4gh opens to the broker's bundle`);
    }
    await assertKeysRecorded(run, 'crypt4gh', keyId);
    assertNoSecret(await everythingWritten(run), [reader.exportRaw()]);
  });
});

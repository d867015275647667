/**
 * Key rotation and a change of scheme as reviewed plans, on real parts (the broker emulator, the
 * real sshd, the built CLI): a new Crypt4GH recipient is planned, shown and applied, after which
 * the old secret key no longer opens the files and the new one does; a plan saved before the
 * recipients changed again is refused; a new Fernet key is planned and applied the same way; a
 * Fernet deployment moves to Crypt4GH in one plan that uploads every new name before it removes
 * any old one.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCrypt4ghOpenStream, formatCrypt4ghPublicKey, generateCrypt4ghSecretKey } from '../src/adapters/encryption/crypt4gh/index.js';
import { fernetDecrypt, generateFernetKey, parseFernetKey } from '../src/adapters/encryption/fernet/fernet.js';
import type { RemoteFolder } from '../src/app/ports.js';
import { through } from '../test/support/crypt4gh-vectors.js';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from './broker-emulator/index.js';
import { runCliProcess } from './support/cli-process.js';
import { createDeployment, openTargetFolder, sshdTarget, type Deployment } from './support/e2e-world.js';

const opens = async (reader: ReturnType<typeof generateCrypt4ghSecretKey>, sealed: Buffer) => {
  try {
    await through(createCrypt4ghOpenStream(reader), sealed);
    return true;
  } catch {
    return false;
  }
};

describe('rotation and scheme change as plans', () => {
  let emulator: BrokerEmulator;
  const ids: string[] = [];
  const folders: RemoteFolder[] = [];

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    const broker = new BrokerDriver(emulator.url);
    for (let i = 0; i < 2; i++) {
      const id = await broker.createRequest({ tags: ['rki'] });
      await broker.node('xxxApiKey123').putResult(id, `patient;count\n${i};${i * 10}\n`, 'text/csv');
      await broker.node('xxxApiKey123').postStatus(id, 'completed');
      ids.push(id);
    }
  });
  after(async () => {
    for (const folder of folders) await folder.close();
    await emulator?.close();
  });

  async function deployment(own: string): Promise<{ deployment: Deployment; folder: RemoteFolder; cli: (...args: string[]) => ReturnType<typeof runCliProcess> }> {
    const target = sshdTarget({ own });
    const made = createDeployment({ brokerUrl: emulator.url, tag: 'rki', sftp: target });
    const folder = await openTargetFolder(target);
    folders.push(folder);
    for (const file of await folder.list()) await folder.remove(file.name);
    return { deployment: made, folder, cli: (...args) => runCliProcess(['-c', made.configFile, ...args], { cwd: made.dir }) };
  }

  /** The deployment's config with Crypt4GH to the key file rki.c4gh.pub instead of Fernet. */
  function useCrypt4gh(d: Deployment): void {
    const toml = readFileSync(d.configFile, 'utf8').replace(/PATH_ENCRYPTION_KEY = "[^"]*"\n/, 'ENCRYPTION = "crypt4gh"\nRECIPIENT_KEYS = ["rki.c4gh.pub"]\n');
    writeFileSync(d.configFile, toml, { mode: 0o600 });
  }

  it('a new recipient: planned and shown, a stale rotation plan refused, applied; the old key opens nothing new', async () => {
    const { deployment: d, folder, cli } = await deployment('rotation');
    const oldReader = generateCrypt4ghSecretKey();
    const newReader = generateCrypt4ghSecretKey();
    const pub = join(d.dir, 'rki.c4gh.pub');
    useCrypt4gh(d);
    writeFileSync(pub, formatCrypt4ghPublicKey(oldReader.publicKey));
    assert.equal((await cli('apply', '--auto-approve')).code, 0);

    writeFileSync(pub, formatCrypt4ghPublicKey(newReader.publicKey));
    const plan = await cli('plan', '-o', 'rotate.json', '--detailed-exitcode');
    assert.equal(plan.code, 2, plan.combined);
    for (const id of ids) assert.match(plan.stdout, new RegExp(`~ export_${id}\\.zip\\.c4gh will be re-encrypted: recipients changed`));
    assert.match(plan.stdout, new RegExp(`Plan: 0 to add, ${ids.length + 1} to change, 0 to destroy\\.`));
    const saved = JSON.parse(readFileSync(join(d.dir, 'rotate.json'), 'utf8')) as { actions: { reason: string }[]; encryption: { key_id: string } };
    assert.deepEqual(saved.actions.map((a) => a.reason), [...ids.map(() => 'recipients_changed'), 'ledger_changed']);

    // The recipients change again after the review: the reviewed plan would seal for the wrong set.
    writeFileSync(pub, formatCrypt4ghPublicKey(generateCrypt4ghSecretKey().publicKey));
    const stale = await cli('apply', 'rotate.json');
    assert.equal(stale.code, 3, stale.combined);
    assert.match(stale.stderr, /The saved plan rotate\.json was made for other recipients \[PLAN_STALE\]/);

    writeFileSync(pub, formatCrypt4ghPublicKey(newReader.publicKey));
    const apply = await cli('apply', 'rotate.json');
    assert.equal(apply.code, 0, apply.combined);
    for (const id of ids) {
      const sealed = (await folder.read(`export_${id}.zip.c4gh`, 1 << 20))!;
      assert.equal(await opens(newReader, sealed), true, 'the new recipient opens it');
      assert.equal(await opens(oldReader, sealed), false, 'the old recipient no longer does');
    }
    assert.equal(readFileSync(join(d.dir, 'status.xml'), 'utf8').match(new RegExp(`key="crypt4gh:${saved.encryption.key_id}"`, 'g'))?.length, ids.length);
    assert.equal((await cli('plan', '--detailed-exitcode')).code, 0);
  });

  it('a new Fernet key: planned and shown, a stale plan refused, applied; the old key opens nothing new', async () => {
    const { deployment: d, folder, cli } = await deployment('fernet-rotation');
    assert.equal((await cli('apply', '--auto-approve')).code, 0);
    const oldKey = parseFernetKey(d.key);
    const newKey = generateFernetKey();
    writeFileSync(d.keyFile, newKey, { mode: 0o600 });

    const plan = await cli('plan', '-o', 'rotate.json', '--detailed-exitcode');
    assert.equal(plan.code, 2, plan.combined);
    for (const id of ids) assert.match(plan.stdout, new RegExp(`~ export_${id}\\.zip will be re-encrypted: the Fernet key changed`));
    const saved = JSON.parse(readFileSync(join(d.dir, 'rotate.json'), 'utf8')) as { actions: { reason: string }[]; encryption: { scheme: string; key_id: string } };
    assert.deepEqual(saved.actions.map((a) => a.reason), [...ids.map(() => 'key_changed'), 'ledger_changed']);
    assert.equal(saved.encryption.scheme, 'fernet');

    // The key changes again after the review: the reviewed plan is refused, nothing changed.
    writeFileSync(d.keyFile, generateFernetKey(), { mode: 0o600 });
    const stale = await cli('apply', 'rotate.json');
    assert.equal(stale.code, 3, stale.combined);
    assert.match(stale.stderr, /The saved plan rotate\.json was made for another Fernet key \[PLAN_STALE\]/);

    writeFileSync(d.keyFile, newKey, { mode: 0o600 });
    const apply = await cli('apply', 'rotate.json');
    assert.equal(apply.code, 0, apply.combined);
    for (const id of ids) {
      const token = (await folder.read(`export_${id}.zip`, 1 << 20))!;
      assert.equal(fernetDecrypt(parseFernetKey(newKey), token).subarray(0, 2).toString('latin1'), 'PK', 'the new key opens it');
      assert.throws(() => fernetDecrypt(oldKey, token), 'the old key no longer does');
    }
    assert.equal(readFileSync(join(d.dir, 'status.xml'), 'utf8').match(new RegExp(`key="fernet:${saved.encryption.key_id}"`, 'g'))?.length, ids.length);
    assert.equal((await cli('plan', '--detailed-exitcode')).code, 0);
  });

  it('Fernet → Crypt4GH in one plan: every new file is in place before an old one goes', async () => {
    const { deployment: d, folder, cli } = await deployment('switch');
    assert.equal((await cli('apply', '--auto-approve')).code, 0);
    assert.deepEqual((await folder.list()).map((f) => f.name).sort(), [...ids.map((id) => `export_${id}.zip`), 'status.xml'].sort());

    const reader = generateCrypt4ghSecretKey();
    useCrypt4gh(d);
    writeFileSync(join(d.dir, 'rki.c4gh.pub'), formatCrypt4ghPublicKey(reader.publicKey));
    const plan = await cli('plan', '-o', 'switch.json', '--max-delete', '0');
    assert.equal(plan.code, 0, plan.combined);
    for (const id of ids) {
      assert.match(plan.stdout, new RegExp(`~ export_${id}\\.zip\\.c4gh will be re-encrypted: the scheme changed`));
      assert.match(plan.stdout, new RegExp(`- export_${id}\\.zip will be removed: request ${id} has a newer file under another scheme's name`));
    }
    const apply = await cli('apply', 'switch.json', '--log-format', 'json');
    assert.equal(apply.code, 0, apply.combined);
    const done = apply.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; kind?: string }).filter((l) => l.event === 'action_done');
    const lastUpload = Math.max(...done.map((l, i) => (l.kind === 'update' ? i : -1)));
    const firstRemoval = done.findIndex((l) => l.kind === 'remove_orphan');
    assert.ok(lastUpload >= 0 && firstRemoval > lastUpload, 'every upload finished before the first removal');
    assert.deepEqual((await folder.list()).map((f) => f.name).sort(), [...ids.map((id) => `export_${id}.zip.c4gh`), 'status.xml'].sort());
    for (const id of ids) assert.equal(await opens(reader, (await folder.read(`export_${id}.zip.c4gh`, 1 << 20))!), true);
    assert.equal((await cli('plan', '--detailed-exitcode')).code, 0);

    const replace = await cli('plan', '--replace', ids[0]!, '--detailed-exitcode');
    assert.equal(replace.code, 2, replace.combined);
    assert.match(replace.stdout, new RegExp(`-/\\+ export_${ids[0]}\\.zip\\.c4gh will be uploaded again: replacement requested`));
    assert.match(replace.stdout, /Plan: 1 to add, 1 to change, 1 to destroy\./);
    const typo = await cli('plan', '--replace', '99');
    assert.equal(typo.code, 64, typo.combined);
    assert.match(typo.stderr, /--replace 99: request 99 has no file to replace/);
  });
});

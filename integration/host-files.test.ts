/**
 * The host's files are not ours to break (issue 24), through the built CLI on the real sshd and
 * the broker emulator: a link, a hard link, a FIFO or a 1 GiB file where the ledger's journal,
 * backup or lock belong is refused before anything is read or written through it; damage beyond
 * a torn last append is LEDGER_CORRUPT; no output lands on the tool's own files. Each case: the
 * exit code, the message naming the file, the file outside WORKING_DIR untouched (bytes and
 * mtime), no secret printed, and the next clean run converging.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, linkSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { RemoteFolder } from '../src/app/ports.js';
import { encodeRecord } from '../src/adapters/ledger/journal-format.js';
import { parseLedgerXml } from '../src/adapters/ledger/xml.js';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from './broker-emulator/index.js';
import { runCliProcess, type CliRun } from './support/cli-process.js';
import { createDeployment, openTargetFolder, sshdTarget, type Deployment, type SftpTarget } from './support/e2e-world.js';
import { tempDir } from '../test/support/temp-dir.js';

const OUTSIDE_TEXT = 'root:x:0:0:root:/root:/bin/bash\nSECRET-OUTSIDE-6f1c2e\n';

describe('the host files are not ours to break', { timeout: 120_000 }, () => {
  let emulator: BrokerEmulator;
  let target: SftpTarget;
  let deployment: Deployment;
  let folder: RemoteFolder;
  let state: string;
  let outside: string;
  const cli = (...args: string[]) => runCliProcess(['-c', deployment.configFile, ...args], { cwd: deployment.dir });
  const ledger = (suffix = '') => join(state, `status.xml${suffix}`);
  const clean = (run: CliRun) => {
    assert.doesNotMatch(run.combined, /\n\s+at .*:\d+:\d+/, 'no stack trace');
    for (const secret of [target.password, 'xxxAdmin1234', deployment.key, 'root:x', 'SECRET-OUTSIDE']) assert.ok(!run.combined.includes(secret), 'no secret or foreign content printed');
  };
  const remoteNames = async () => (await folder.list()).map((f) => f.name).sort();
  /** A file outside WORKING_DIR, and a check that it is exactly as it was. */
  const outsideFile = (name: string) => {
    const path = join(outside, name);
    writeFileSync(path, OUTSIDE_TEXT);
    const { mtimeMs, size } = statSync(path);
    return { path, untouched: () => assert.deepEqual([readFileSync(path, 'utf8'), statSync(path).mtimeMs, statSync(path).size], [OUTSIDE_TEXT, mtimeMs, size], `${path} untouched`) };
  };
  const converges = async () => {
    const run = await cli('apply', '--auto-approve');
    assert.equal(run.code, 0, run.combined);
    assert.equal((await cli('plan', '--detailed-exitcode')).code, 0, 'nothing left to do');
    assert.deepEqual(await remoteNames(), ['export_0.zip', 'export_1.zip', 'status.xml']);
    assert.ok(!existsSync(ledger('.lock')), 'no lock left behind');
  };
  const refused = async (args: string[], code: number, problem: string, why: RegExp, path: string) => {
    const remoteBefore = await remoteNames();
    const run = await cli(...args);
    assert.equal(run.code, code, run.combined);
    assert.ok(run.stderr.includes(`[${problem}]`), run.stderr);
    assert.match(run.stderr, why);
    assert.ok(run.stderr.includes(path), `the message names ${path}:\n${run.stderr}`);
    clean(run);
    assert.deepEqual(await remoteNames(), remoteBefore, 'the SFTP folder is unchanged');
    return run;
  };

  // A case that fails leaves nothing in WORKING_DIR for the next (a FIFO would block its writes).
  afterEach(() => {
    for (const suffix of ['.journal', '.lock', '.backup']) {
      const s = lstatSync(ledger(suffix), { throwIfNoEntry: false });
      if (s && (!s.isFile() || s.nlink > 1)) rmSync(ledger(suffix));
    }
  });

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    const driver = new BrokerDriver(emulator.url);
    for (let i = 0; i < 2; i++) {
      const id = await driver.createRequest({ tags: ['rki'] });
      await driver.node('xxxApiKey123').putResult(id, Buffer.from(`result ${id}`), 'text/plain');
      await driver.node('xxxApiKey123').postStatus(id, 'completed');
    }
    target = sshdTarget({ own: 'host-files' });
    deployment = createDeployment({ brokerUrl: emulator.url, tag: 'rki', sftp: target, dir: tempDir('host-files') });
    state = join(deployment.dir, 'state');
    mkdirSync(state);
    writeFileSync(deployment.configFile, readFileSync(deployment.configFile, 'utf8').replace(/^WORKING_DIR = .*$/m, `WORKING_DIR = "${state}"`));
    outside = tempDir('host-files-outside');
    folder = await openTargetFolder(target);
    for (const file of await folder.list()) await folder.remove(file.name);
    await converges();
  });
  after(async () => {
    await folder?.close();
    await emulator?.close();
  });

  const journalCases: [string, (outsidePath: string) => void, RegExp][] = [
    ['a symbolic link', (to) => symlinkSync(to, ledger('.journal')), /is a symbolic link/],
    ['a hard link', (to) => linkSync(to, ledger('.journal')), /has 2 hard links/],
  ];
  for (const [name, make, why] of journalCases) {
    it(`a journal that is ${name} to a file outside WORKING_DIR: validate and apply exit 1, the file untouched`, async () => {
      const victim = outsideFile(`passwd-${name.replace(/ /g, '-')}`);
      make(victim.path);
      for (const args of [['validate'], ['apply', '--auto-approve']]) await refused(args, 1, 'LEDGER_UNSAFE', why, ledger('.journal'));
      victim.untouched();
      assert.ok(existsSync(ledger('.journal')), 'the link itself is left for the operator to look at');
      rmSync(ledger('.journal'));
      await converges();
      victim.untouched();
    });
  }

  it('a journal that is a FIFO: refused at once, nothing waits for a writer', async () => {
    execFileSync('mkfifo', [ledger('.journal')]);
    for (const args of [['validate'], ['apply', '--auto-approve']]) await refused(args, 1, 'LEDGER_UNSAFE', /is a FIFO/, ledger('.journal'));
    rmSync(ledger('.journal'));
    await converges();
  });

  for (const [suffix, role] of [['.backup', 'ledger backup'], ['.lock', 'ledger lock']] as const) {
    it(`a ${role} that is a symbolic link outside WORKING_DIR: apply exits 1, the target untouched`, async () => {
      const victim = outsideFile(`shadow${suffix}`);
      rmSync(ledger(suffix), { force: true });
      symlinkSync(victim.path, ledger(suffix));
      await refused(['apply', '--auto-approve'], 1, 'LEDGER_UNSAFE', new RegExp(`The ${role} .* is a symbolic link`), ledger(suffix));
      victim.untouched();
      assert.ok(lstatSync(ledger(suffix)).isSymbolicLink(), 'the link is not removed or replaced');
      rmSync(ledger(suffix));
      await converges();
      victim.untouched();
    });
  }

  it('a journal with more than a torn last append damaged is LEDGER_CORRUPT naming the line, in validate and apply', async () => {
    const xml = readFileSync(ledger());
    const { lineage, serial } = parseLedgerXml(xml);
    const base = encodeRecord({ base: { sha256: createHash('sha256').update(xml).digest('hex'), lineage: lineage ?? null, serial } });
    const change = (n: number) => encodeRecord({ change: { serial: serial + n, lineage: lineage!, plan: null, pending: [], upsert: [], drop: [] } });
    const garble = (b: Buffer) => Buffer.from(b.toString('utf8').replace('"pending"', '"pendinG"'));
    const journals: [Buffer, RegExp][] = [
      [Buffer.concat([base, change(1), garble(change(2)), garble(change(3))]), /line 3: the record is damaged/],
      [Buffer.concat([base, garble(change(1)), change(2)]), /line 2: the record is damaged/],
      [Buffer.from('0000000000000000 {}\n0000000000000000 {}\n'), /line 1: no line of the journal is intact/],
    ];
    for (const [bytes, line] of journals) {
      writeFileSync(ledger('.journal'), bytes);
      for (const args of [['validate'], ['apply', '--auto-approve']]) {
        const run = await refused(args, 1, 'LEDGER_CORRUPT', /is damaged/, ledger('.journal'));
        assert.match(run.stderr, line);
      }
      assert.deepEqual(readFileSync(ledger('.journal')), bytes, 'the journal is kept as it was');
    }
    rmSync(ledger('.journal'));
    await converges();
  });

  it('a 1 GiB journal is refused by its size, without reading it', async () => {
    writeFileSync(ledger('.journal'), '');
    truncateSync(ledger('.journal'), 1024 ** 3); // a torn tail of NULs, sparse
    const run = await refused(['validate'], 1, 'LEDGER_CORRUPT', /1073741824 bytes, more than the 128 MiB/, ledger('.journal'));
    assert.ok(run.stderr.length < 4000);
    rmSync(ledger('.journal'));
    await converges();
  });

  it('a link in a parent folder of WORKING_DIR is the operator\'s: followed, and the run converges there', async () => {
    const real = join(deployment.dir, 'real');
    mkdirSync(join(real, 'state'), { recursive: true });
    cpSync(ledger(), join(real, 'state', 'status.xml'));
    symlinkSync(real, join(deployment.dir, 'via-link'));
    const linked = join(deployment.dir, 'linked.toml');
    writeFileSync(linked, readFileSync(deployment.configFile, 'utf8').replace(/^WORKING_DIR = .*$/m, `WORKING_DIR = "${join(deployment.dir, 'via-link', 'state')}"`), { mode: 0o600 });
    const run = await runCliProcess(['-c', linked, 'apply', '--auto-approve'], { cwd: deployment.dir });
    assert.equal(run.code, 0, run.combined);
    clean(run);
    assert.equal((await runCliProcess(['-c', linked, 'plan', '--detailed-exitcode'], { cwd: deployment.dir })).code, 0);
    assert.ok(!existsSync(join(real, 'state', 'status.xml.lock')));
  });

  describe('outputs onto the tool\'s own files: exit 64 before anything happens', () => {
    const outputs: [string, string[], () => string][] = [
      ['apply --metrics-file onto the key', ['apply', '--auto-approve', '--metrics-file', 'rki.key'], () => deployment.keyFile],
      ['apply --metrics-file onto a link to the key', ['apply', '--auto-approve', '--metrics-file', 'key-link'], () => deployment.keyFile],
      ['apply --metrics-file onto the configuration', ['apply', '--auto-approve', '--metrics-file', 'settings.toml'], () => deployment.configFile],
      ['apply --metrics-file onto its own plan file', ['apply', '--metrics-file', 'plan.json', 'plan.json'], () => join(deployment.dir, 'plan.json')],
      ['plan -o onto the ledger', ['plan', '-o', 'state/status.xml'], () => ledger()],
      ['plan -o onto the journal, not there yet, spelled otherwise', ['plan', '-o', 'state/../state/status.xml.journal'], () => ledger('.journal')],
      ['decrypt --force -o onto the key', ['decrypt', '-k', 'rki.key', 'token.zip', '--force', '-o', 'rki.key'], () => deployment.keyFile],
      ['decrypt -o onto its input', ['decrypt', '-k', 'rki.key', 'token.zip', '--force', '-o', 'token.zip'], () => join(deployment.dir, 'token.zip')],
      ['keygen -o onto the ledger lock, not there yet', ['keygen', '-o', 'state/status.xml.lock'], () => ledger('.lock')],
    ];
    for (const [name, args, own] of outputs) {
      it(name, async () => {
        writeFileSync(join(deployment.dir, 'token.zip'), 'not a token');
        writeFileSync(join(deployment.dir, 'plan.json'), '{}');
        rmSync(join(deployment.dir, 'key-link'), { force: true });
        symlinkSync(deployment.keyFile, join(deployment.dir, 'key-link'));
        const snapshot = () => ['rki.key', 'settings.toml', 'token.zip', 'plan.json', 'state/status.xml'].map((f) => [f, readFileSync(join(deployment.dir, f)), statSync(join(deployment.dir, f)).mtimeMs]);
        const before = snapshot();
        const exportsBefore = emulator.stats().calls.export ?? 0;
        await refused(args, 64, 'USAGE', /Nothing was written/, own());
        assert.deepEqual(snapshot(), before, 'the own files are unchanged');
        assert.ok(!existsSync(ledger('.journal')) && !existsSync(ledger('.lock')), 'no journal or lock created');
        assert.equal((emulator.stats().calls.export ?? 0) - exportsBefore, 0, 'nothing was exported');
      });
    }
    it('the next clean run converges', converges);
  });
});

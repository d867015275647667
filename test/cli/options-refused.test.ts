/**
 * Usage errors end the run before anything happens: through the real command line, against a
 * live world (the broker emulator over HTTP and the in-process SFTP server on loopback) in which
 * the same command without the mistake uploads. Each case asserts exit 64, the message, no stack
 * trace, and that nothing moved: no broker request, no file on the server, no ledger, no plan
 * file, no lock.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { CliIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { BrokerDriver } from '../../integration/broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator } from '../../integration/broker-emulator/index.js';
import { startLocalSftpServer, type LocalSftpServer } from '../../integration/local-sftp-server.js';
import { createDeployment, type Deployment } from '../../integration/support/e2e-world.js';
import { tempDir } from '../support/temp-dir.js';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

function io(cwd: string, env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const value: CliIo = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) }, isTTY: false, env, cwd };
  return { io: value, out: () => out, err: () => err };
}

function spawnCli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('usage errors change nothing', () => {
  let emulator: BrokerEmulator;
  let sftp: LocalSftpServer;
  let deployment: Deployment;
  let root: string;

  /** Everything a run could touch. */
  const snapshot = () => ({
    brokerRequests: emulator.stats().requests,
    remote: readdirSync(join(root, 'rki')).sort(),
    local: readdirSync(deployment.dir).sort(),
  });

  before(async () => {
    emulator = await startBrokerEmulator({ port: 0 });
    root = tempDir('options-refused');
    mkdirSync(join(root, 'rki'));
    sftp = await startLocalSftpServer({ root });
    const driver = new BrokerDriver(emulator.url);
    for (let i = 0; i < 2; i++) {
      const id = await driver.createRequest({ tags: ['rki'] });
      await driver.node('xxxApiKey123').postStatus(id, 'completed');
    }
    deployment = createDeployment({
      brokerUrl: emulator.url,
      tag: 'rki',
      sftp: { host: sftp.host, port: sftp.port, username: sftp.username, password: sftp.password, folder: 'rki', hostKeyFingerprint: sftp.hostKeyFingerprint },
    });
    chmodSync(deployment.configFile, 0o600);
  });
  after(async () => {
    await sftp?.close();
    await emulator?.close();
    rmSync(root, { recursive: true, force: true });
    if (deployment) rmSync(deployment.dir, { recursive: true, force: true });
  });

  const cases: { argv: string[]; message: RegExp }[] = [
    { argv: ['apply', '--auto-approve', '--auto-aprove'], message: /Unknown option --auto-aprove \(did you mean --auto-approve\?\)/ },
    { argv: ['apply', '--auto-approve', '--no-such-option'], message: /Unknown option --no-such-option\b/ },
    { argv: ['apply', '--auto-approve', '--max-deletes', '0'], message: /Unknown option --max-deletes \(did you mean --max-delete\?\)/ },
    { argv: ['apply', '--auto-approve', '-x'], message: /Unknown option -x\b/ },
    { argv: ['apply', '--auto-approve', '--no-colour'], message: /Unknown option --no-colour \(did you mean --no-color\?\)/ },
    { argv: ['apply', '-auto-approve'], message: /-auto-approve is not an option \(did you mean --auto-approve\?\)/ },
    { argv: ['apply', '--auto-approve', '--max-delete', 'abc'], message: /--max-delete must be a whole number, 0 or more, got "abc"/ },
    { argv: ['apply', '--auto-approve', '--max-delete', '-1'], message: /--max-delete must be a whole number, 0 or more, got "-1"/ },
    { argv: ['apply', '--auto-approve', '--max-delete', '0.5'], message: /--max-delete must be a whole number, 0 or more, got "0\.5"/ },
    { argv: ['apply', '--auto-approve', '--max-delete=1e3'], message: /--max-delete must be a whole number, 0 or more, got "1e3"/ },
    { argv: ['apply', '--auto-approve', '--max-delete'], message: /--max-delete needs a value: --max-delete N/ },
    { argv: ['apply', '--auto-approve', '--max-delete', '1', '--max-delete', '2'], message: /--max-delete is given 2 times; give it once/ },
    { argv: ['apply', '--auto-approve', '--color', 'blue'], message: /--color must be auto, always or never, got "blue"/ },
    { argv: ['apply', '--auto-approve', '--color', 'never', '--no-color'], message: /--color is given 2 times; give it once/ },
    { argv: ['apply', '--auto-approve', 'plan.json', 'extra'], message: /Unexpected argument: extra/ },
    { argv: ['plan', '-c'], message: /--config \(-c\) needs a value: -c FILE/ },
    { argv: ['plan', '--config', '--json'], message: /--config \(-c\) needs a value: --config FILE/ },
    { argv: ['plan', '-o'], message: /--out \(-o\) needs a value: -o FILE/ },
    { argv: ['plan', '-o', '--json'], message: /--out \(-o\) needs a value: -o FILE/ },
    { argv: ['plan', '-out=tfplan'], message: /-out=tfplan is not an option \(did you mean --out tfplan\?\)/ },
    { argv: ['plan', '-out', 'tfplan'], message: /-out is not an option \(did you mean --out tfplan\?\)/ },
    { argv: ['plan', '-detailed-exitcode'], message: /-detailed-exitcode is not an option \(did you mean --detailed-exitcode\?\)/ },
    { argv: ['plan', '--detailed-exitcod'], message: /Unknown option --detailed-exitcod \(did you mean --detailed-exitcode\?\)/ },
    { argv: ['show'], message: /show needs the plan file: aktin-sftp show PLANFILE/ },
    { argv: ['validate', 'extra'], message: /Unexpected argument: extra/ },
    { argv: ['--bogus', 'validate'], message: /Unknown option --bogus\b/ },
    { argv: ['plna'], message: /Unknown command "plna" \(did you mean plan\?\)/ },
  ];

  for (const c of cases) {
    it(`refuses ${c.argv.join(' ')} with exit 64, before anything runs`, async () => {
      const before = snapshot();
      const t = io(deployment.dir);
      const code = await runCli(['-c', deployment.configFile, ...c.argv], t.io);
      assert.equal(code, 64, t.err());
      assert.match(t.err(), c.message);
      assert.match(t.err(), /\[USAGE\]/);
      assert.match(t.err(), /Run 'aktin-sftp (\w+ )?--help' for usage\.|Write /);
      assert.doesNotMatch(t.err(), /^\s+at /m, 'no stack trace');
      if (c.argv.includes('--json')) assert.equal(JSON.parse(t.out()).problems[0].code, 'USAGE');
      else assert.equal(t.out(), '');
      assert.deepEqual(snapshot(), before, 'nothing changed: no broker request, no remote file, no ledger, plan file or lock');
    });
  }

  it('refuses -c twice (once a stack trace) as a process, exit 64 reaching the shell', async () => {
    const before = snapshot();
    const run = await spawnCli(['apply', '--auto-approve', '-c', deployment.configFile, '-c', deployment.configFile], deployment.dir);
    assert.equal(run.code, 64, run.stderr);
    assert.match(run.stderr, /--config \(-c\) is given 2 times; give it once \[USAGE\]/);
    assert.doesNotMatch(run.stderr, /^\s+at |TypeError|bug in aktin-sftp/m);
    assert.deepEqual(snapshot(), before);
  });

  it('refuses a misspelt option after a valid one as a process (apply once uploaded, then exited 64)', async () => {
    const before = snapshot();
    const run = await spawnCli(['apply', '-c', deployment.configFile, '--auto-approve', '--auto-aprove'], deployment.dir);
    assert.equal(run.code, 64, run.stderr);
    assert.match(run.stderr, /Unknown option --auto-aprove \(did you mean --auto-approve\?\)/);
    assert.equal(run.stdout, '');
    assert.deepEqual(snapshot(), before);
  });

  it('accepts the values the configuration accepts, and the same apply then does its work', async () => {
    const zero = io(deployment.dir);
    assert.equal(await runCli(['plan', '-c', deployment.configFile, '--max-delete', '0', '--no-color'], zero.io), 0, zero.err());
    const spaced = io(deployment.dir);
    assert.equal(await runCli(['plan', '-c', deployment.configFile, '--max-delete=+3', '--color=never'], spaced.io), 0, spaced.err());
    // --only takes several values: once "--only is given 2 times", which made targeted plans impossible.
    const only = io(deployment.dir);
    assert.equal(await runCli(['plan', '-c', deployment.configFile, '--only', '1', '0', '--json'], only.io), 0, only.err());
    assert.deepEqual(JSON.parse(only.out()).options.only, ['0', '1']);
    const onlyTwice = io(deployment.dir);
    assert.equal(await runCli(['plan', '-c', deployment.configFile, '--only', '1', '--only', '0,1', '--json'], onlyTwice.io), 0, onlyTwice.err());
    assert.deepEqual(JSON.parse(onlyTwice.out()).options.only, ['0', '1']);
    assert.deepEqual(readdirSync(join(root, 'rki')), [], 'plan writes nothing');

    // The control: without the mistake, the very command the cases above refused uploads.
    const t = io(deployment.dir);
    assert.equal(await runCli(['-c', deployment.configFile, 'apply', '--auto-approve', '--max-delete', '5'], t.io), 0, t.err());
    assert.deepEqual(readdirSync(join(root, 'rki')).sort(), ['export_0.zip', 'export_1.zip', 'status.xml']);
    assert.ok(existsSync(join(deployment.workingDir, 'status.xml')));
    assert.match(readFileSync(join(deployment.workingDir, 'status.xml'), 'utf8'), /export_0\.zip|<request/);
  });
});

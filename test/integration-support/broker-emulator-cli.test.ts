/**
 * `npm run broker-emulator -- …` as a process: a real --help, and every bad command line or
 * taken port one line and an exit code, never a stack trace (issue 23: --help crashed).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parseEmulatorArgs } from '../../integration/broker-emulator/cli-args.js';
import { startBrokerEmulator } from '../../integration/broker-emulator/index.js';

const CLI = fileURLToPath(new URL('../../integration/broker-emulator/cli.ts', import.meta.url));

function emulatorCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at .*:\d+:\d+|node:internal/, 'no stack trace');

describe('broker emulator command line', () => {
  it('parses', () => {
    const still = { latencyMs: 0, exportLatencyMs: 0, jitterMs: 0 };
    assert.deepEqual(parseEmulatorArgs([]), { kind: 'run', port: 8080, latency: still });
    assert.deepEqual(parseEmulatorArgs(['--port', '0', '--seed', 's.json']), { kind: 'run', port: 0, latency: still, seed: 's.json' });
    assert.deepEqual(parseEmulatorArgs(['--latency-ms', '10', '--jitter-ms', '2.5']), { kind: 'run', port: 8080, latency: { latencyMs: 10, exportLatencyMs: 0, jitterMs: 2.5 } });
    assert.deepEqual(parseEmulatorArgs(['--export-latency-ms=-1']), { kind: 'usage-error', message: '--export-latency-ms must be a number of milliseconds ≥ 0, got "-1"' });
    assert.deepEqual(parseEmulatorArgs(['-h']), { kind: 'help' });
    assert.deepEqual(parseEmulatorArgs(['--port', '70000']), { kind: 'usage-error', message: '--port must be a port number (0 for any free port), got "70000"' });
    assert.deepEqual(parseEmulatorArgs(['--port', '1e3']).kind, 'usage-error');
    assert.match((parseEmulatorArgs(['extra']) as { message: string }).message, /Unexpected argument 'extra'/);
  });

  it('--help: exit 0 with the usage', async () => {
    const run = await emulatorCli(['--help']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Usage: npm run broker-emulator -- \[--port PORT\] \[--seed FILE\]/);
    assert.match(run.stdout, /--seed FILE/);
    assert.equal(run.stderr, '');
  });

  const bad: [string[], RegExp][] = [
    [['--bogus'], /^broker-emulator: Unknown option '--bogus'\nRun 'npm run broker-emulator -- --help' for usage\.\n$/],
    [['--port', 'x'], /^broker-emulator: --port must be a port number \(0 for any free port\), got "x"\n/],
    [['--seed', '/nonexistent/seed.json'], /^broker-emulator: cannot use the seed file \/nonexistent\/seed\.json: ENOENT/],
  ];
  for (const [args, message] of bad) {
    it(`${args.join(' ')}: exit 64, one clean message`, async () => {
      const run = await emulatorCli(args);
      assert.equal(run.code, 64, run.stderr);
      assert.match(run.stderr, message);
      noStack(run.stderr);
    });
  }

  it('a port in use: exit 1, said in words', async () => {
    const taken = await startBrokerEmulator({ port: 0 });
    try {
      const run = await emulatorCli(['--port', new URL(taken.url).port]);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /^broker-emulator: cannot listen on port \d+: the port is in use; choose another with --port/);
      noStack(run.stderr);
    } finally {
      await taken.close();
    }
  });
});

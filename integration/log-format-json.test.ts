/**
 * `--log-format json` and the text log as cron and a log collector get them: the built CLI in
 * its own process (no terminal), the broker emulator over HTTP and its websocket, the real sshd.
 * apply's report stays on stdout while every stderr line is a log event of
 * schemas/log-event.schema.json; watch logs its cycles the same way and its /healthz body is
 * valid against schemas/watch-health.schema.json; the text log off a terminal is timestamped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCliProcess, startCli } from './support/cli-process.js';
import type { Deployment } from './support/e2e-world.js';
import { startSshdWorld, type SshdWorld } from './support/sshd-world.js';
import { check, jsonLines } from '../test/support/json-schemas.js';

type Line = Record<string, unknown>;

/** Polls until `check` holds; the deadline only bounds a hang, it assumes nothing about speed. */
async function eventually<T>(what: string, probe: () => T | undefined, deadlineMs = 120_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The complete lines so far, each checked against the log event schema. */
function events(stderr: string): Line[] {
  const complete = stderr.slice(0, stderr.lastIndexOf('\n') + 1);
  const lines = jsonLines(complete) as Line[];
  for (const line of lines) assert.deepEqual(check('log-event.schema.json', line), [], JSON.stringify(line));
  return lines;
}

describe('log formats through the built CLI', () => {
  let world: SshdWorld;
  let deployment: Deployment;
  const addResult = () => world.addResult();

  before(async () => {
    world = await startSshdWorld({ own: 'log-format', results: 1, extraToml: '[WATCH]\nDEBOUNCE = 1\n' });
    ({ deployment } = world);
  });
  after(() => world?.close());

  it('apply --json --log-format json: the report on stdout, the events on stderr', async () => {
    const run = await runCliProcess(['apply', '-c', deployment.configFile, '--auto-approve', '--json', '--log-format', 'json'], { cwd: deployment.dir });
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as Line;
    assert.deepEqual(check('apply-report.schema.json', report), []);
    const lines = events(run.stderr);
    assert.deepEqual(lines.map((l) => l.event).filter((e) => e !== 'warning'), ['apply_start', 'action_start', 'action_done', 'action_start', 'action_done', 'apply_summary']);
    assert.deepEqual(lines.filter((l) => l.event === 'action_done').map((l) => [l.address, l.kind, l.request_id]), [['export_0.zip', 'create', '0'], ['status.xml', 'publish_ledger', undefined]]);
    assert.equal(lines.at(-1)!.plan_id, report.plan_id);
  });

  it('the text log off a terminal: every stderr line after a timestamp and a level, no colour', async () => {
    await addResult();
    const run = await runCliProcess(['apply', '-c', deployment.configFile, '--auto-approve', '--color', 'never'], { cwd: deployment.dir });
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stderr.split('\n').filter(Boolean);
    assert.ok(lines.length >= 3, run.stderr);
    for (const line of lines) assert.match(line, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (info|warn|error) \S/);
    assert.ok(!/\x1b\[/.test(run.stdout + run.stderr));
  });

  it('watch --log-format json: cycles and connection as events, /healthz as its schema says', async () => {
    const run = startCli(['watch', '-c', deployment.configFile, '--listen', '127.0.0.1:0', '--log-format', 'json'], { cwd: deployment.dir });
    try {
      const start = await eventually('the start cycle', () => events(run.stderrSoFar()).find((l) => l.event === 'watch_cycle' && l.trigger === 'start'));
      assert.deepEqual([start.ok, start.scope, start.level], [true, 'all', 'info']);
      await eventually('the websocket', () => events(run.stderrSoFar()).find((l) => l.event === 'watch_connection' && l.connected === true));
      const id = await addResult();
      const targeted = await eventually('the targeted cycle', () => events(run.stderrSoFar()).find((l) => l.event === 'watch_cycle' && l.trigger === 'events'));
      assert.deepEqual(targeted.scope, [id]);
      assert.deepEqual(targeted.actions, { create: 1, publish_ledger: 1 });
      const url = events(run.stderrSoFar()).find((l) => l.event === 'watch_listen')?.url;
      assert.equal(typeof url, 'string');
      const health = await fetch(`${String(url)}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(check('watch-health.schema.json', await health.json()), []);
    } finally {
      run.child.kill('SIGTERM');
    }
    const done = await run.done;
    assert.equal(done.code, 0, done.stderr);
    events(done.stderr);
  });
});

/**
 * Log lines in both formats: text for people (a timestamp and level off a terminal, as cron
 * mails them), JSON lines that match schemas/log-event.schema.json, including the events that
 * the command tests cannot easily provoke (a failed action, watch's cycles and connection), and
 * watch's /healthz body against schemas/watch-health.schema.json.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startWatchHttp, type WatchHttp } from '../../src/adapters/watch-http/server.js';
import { problem, ProblemError } from '../../src/core/problem.js';
import type { CycleReport } from '../../src/core/watch-cycle.js';
import type { CliIo } from '../../src/cli/io.js';
import type { LogFormat } from '../../src/cli/log-format.js';
import { eventLog, logInterrupt, watchCycleEntry, watchStateEntry } from '../../src/cli/log-events.js';
import { writeLog, writeProblems } from '../../src/cli/log-lines.js';
import { showWarnings } from '../../src/cli/load-config.js';
import { chalkFor } from '../../src/cli/render-problems.js';
import { check, jsonLines } from '../support/json-schemas.js';

const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z /;

function terminal(logFormat: LogFormat, isTTY = false) {
  let err = '';
  const io: CliIo = { stdout: { write: () => undefined }, stderr: { write: (t: string) => (err += t) }, isTTY, env: {}, cwd: '/', logFormat };
  return { io, err: () => err };
}

const cycle = (outcome: CycleReport['outcome']): CycleReport => ({ trigger: 'events', scope: ['4', '10'], attempt: 2, startedAtMs: 0, durationMs: 1200, eventLagMs: 3200, outcome });

describe('log lines', () => {
  it('text off a terminal: each line after an ISO timestamp and its level, no colour', () => {
    const t = terminal('text');
    showWarnings(t.io, { color: 'never' }, ['the key file is group-readable']);
    writeLog(t.io, watchCycleEntry(cycle({ ok: false, error: new ProblemError(problem('REMOTE_CONNECTION', 'refused')), retryInMs: 4000 })));
    writeLog(t.io, watchCycleEntry(cycle({ ok: false, error: new ProblemError(problem('LEDGER_LOCKED', 'locked')), retryInMs: 4000 })));
    const lines = t.err().split('\n').filter(Boolean);
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, new RegExp(`${STAMP.source}warn Warning: the key file is group-readable$`));
    assert.match(lines[1]!, new RegExp(`${STAMP.source}error watch: events cycle for requests 4, 10 \\(attempt 2\\) failed after 1\\.2 s: REMOTE_CONNECTION: refused; retry in 4\\.0 s$`));
    // Another run's lock is a wait, not an error (issue 23: a cron run made watch log three errors).
    assert.match(lines[2]!, new RegExp(`${STAMP.source}warn watch: events cycle for requests 4, 10 \\(attempt 2\\) waits for another run's lock \\(1\\.2 s\\): LEDGER_LOCKED: locked; retry in 4\\.0 s$`));
    assert.ok(!t.err().includes('\x1b['));
  });

  it('text on a terminal: the line as it is, unless it is a daemon\'s', () => {
    const t = terminal('text', true);
    writeLog(t.io, { level: 'warn', event: 'warning', message: 'plain' });
    writeLog(t.io, watchStateEntry({ connected: true }), { alwaysStamped: true });
    const [plain, daemon] = t.err().split('\n');
    assert.equal(plain, 'plain');
    assert.match(daemon!, new RegExp(`${STAMP.source}info watch: connected to the broker's websocket$`));
  });

  it('json: every event is a valid log event; byte progress is left out, --quiet keeps warnings and failures', () => {
    const t = terminal('json');
    const sink = eventLog(t.io);
    sink({ type: 'apply_start', plan_id: '0a1b2c00-0000-4000-8000-000000000000', actions: 2 });
    sink({ type: 'action_start', address: 'export_3.zip', kind: 'update', request_id: '3' });
    sink({ type: 'action_progress', address: 'export_3.zip', bytes: 100 });
    sink({ type: 'action_failed', address: 'export_3.zip', kind: 'update', request_id: '3', code: 'BROKER_HTTP', message: 'broker down' });
    sink({ type: 'action_done', address: 'export_4.zip', kind: 'delete', request_id: '4' });
    sink({ type: 'warning', message: 'no posix-rename' });
    writeLog(t.io, watchCycleEntry(cycle({ ok: true, result: { actions: { create: 2 }, bytes: 4096 } })));
    writeLog(t.io, watchCycleEntry(cycle({ ok: false, error: new Error('boom'), retryInMs: 1000 })));
    writeLog(t.io, watchStateEntry({ connected: false, reason: 'ECONNREFUSED', retryInMs: 2000 }));
    writeLog(t.io, { level: 'info', event: 'watch_listen', message: 'watch: /healthz and /metrics on http://127.0.0.1:9464', fields: { url: 'http://127.0.0.1:9464' } });
    writeProblems(t.io, [problem('LEDGER_LOCKED', 'The ledger is locked', 'by apply', 'wait')], chalkFor(t.io, 'never'));
    const lines = jsonLines(t.err()) as Record<string, unknown>[];
    for (const line of lines) assert.deepEqual(check('log-event.schema.json', line), [], JSON.stringify(line));
    assert.deepEqual(lines.map((l) => `${l.level} ${l.event}`), [
      'info apply_start',
      'info action_start',
      'error action_failed',
      'info action_done',
      'warn warning',
      'info watch_cycle',
      'error watch_cycle',
      'warn watch_connection',
      'info watch_listen',
      'error problem',
    ]);
    assert.deepEqual([lines[2]!.code, lines[2]!.request_id], ['BROKER_HTTP', '3']);
    assert.equal(lines[3]!.bytes, null, 'a removal uploads nothing');
    assert.deepEqual([lines[5]!.scope, lines[5]!.actions, lines[5]!.bytes, lines[5]!.event_lag_ms], [['4', '10'], { create: 2 }, 4096, 3200]);
    assert.equal(lines[6]!.code, 'UNEXPECTED', 'never a stack, never a message as a code');
    assert.deepEqual([lines[9]!.code, lines[9]!.detail, lines[9]!.hint], ['LEDGER_LOCKED', 'by apply', 'wait']);

    // The schema ties fields to their event: a failed cycle without its code, a level that lies.
    assert.notDeepEqual(check('log-event.schema.json', { ...lines[6], code: undefined }), []);
    assert.notDeepEqual(check('log-event.schema.json', { ...lines[2], level: 'info' }), []);
    assert.notDeepEqual(check('log-event.schema.json', { ...lines[4], event: 'warned' }), []);

    const quiet = terminal('json');
    const quietSink = eventLog(quiet.io, { quiet: true });
    quietSink({ type: 'action_start', address: 'export_3.zip', kind: 'update', request_id: '3' });
    quietSink({ type: 'warning', message: 'no posix-rename' });
    assert.deepEqual((jsonLines(quiet.err()) as Record<string, unknown>[]).map((l) => l.event), ['warning']);
  });
});

describe('the interrupt line', () => {
  it('names the signal, in the format known when it arrives, and only while the run listens', () => {
    for (const format of ['text', 'json'] as const) {
      const controller = new AbortController();
      const t = terminal('text');
      let current: LogFormat = 'text';
      const stop = logInterrupt({ ...t.io, interrupt: controller.signal }, () => current);
      current = format; // known once the words are parsed, after the listener was set
      controller.abort('SIGTERM');
      stop();
      if (format === 'json') {
        const [line] = jsonLines(t.err()) as Record<string, unknown>[];
        assert.deepEqual(check('log-event.schema.json', line), []);
        assert.deepEqual([line!.event, line!.level, line!.signal], ['interrupt', 'warn', 'SIGTERM']);
      } else assert.match(t.err(), new RegExp(`${STAMP.source}warn SIGTERM: finishing the action in flight, then stopping \\(again to stop at once\\)\\.\\n$`));
    }
    const controller = new AbortController();
    const t = terminal('text');
    logInterrupt({ ...t.io, interrupt: controller.signal }, () => 'text')();
    controller.abort('SIGINT');
    assert.equal(t.err(), '', 'no line once the run is over');
  });
});

describe('/healthz and its schema', () => {
  let server: WatchHttp;
  const clock = Date.parse('2026-01-01T10:00:00Z');
  before(async () => {
    server = await startWatchHttp({ listen: { host: '127.0.0.1', port: 0 }, staleAfterMs: 7_200_000, now: () => clock });
  });
  after(async () => server?.close());
  const health = async () => {
    const response = await fetch(`${server.url}/healthz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('is valid unhealthy and healthy; a body that contradicts itself is not', async () => {
    const down = await health();
    assert.equal(down.status, 503);
    assert.deepEqual(check('watch-health.schema.json', down.body), []);
    server.recordState({ connected: true });
    server.recordCycle({ trigger: 'start', scope: 'all', attempt: 1, startedAtMs: clock - 1000, durationMs: 500, outcome: { ok: true, result: { actions: {}, bytes: 0 } } });
    const up = await health();
    assert.equal(up.status, 200);
    assert.deepEqual(check('watch-health.schema.json', up.body), []);
    assert.notDeepEqual(check('watch-health.schema.json', { ...up.body, reasons: ['the broker websocket is down'] }), []);
    assert.notDeepEqual(check('watch-health.schema.json', { ...up.body, lastCycle: { trigger: 'later', ok: true, at: 'now' } }), []);
  });
});

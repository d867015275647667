/**
 * The watch health and metrics server over real HTTP: /healthz follows the websocket and the
 * last successful cycle (200 or 503), /metrics is Prometheus text with the watch's counters.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startWatchHttp, type WatchHttp } from '../../../src/adapters/watch-http/server.js';
import { ProblemError, problem } from '../../../src/core/problem.js';
import type { CycleReport } from '../../../src/core/watch-cycle.js';
import { failure } from '../../support/problems.js';

let server: WatchHttp;
let clock = Date.parse('2026-01-01T10:00:00Z');

const report = (changes: Partial<CycleReport>): CycleReport => ({
  trigger: 'events',
  scope: ['4'],
  attempt: 1,
  startedAtMs: clock - 1500,
  durationMs: 1500,
  outcome: { ok: true, result: { actions: {}, bytes: 0 } },
  ...changes,
});
const get = async (path: string, method = 'GET') => {
  const response = await fetch(server.url + path, { method });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};
const sample = (text: string, line: string) => text.split('\n').find((l) => l.startsWith(line))?.slice(line.length).trim();

before(async () => {
  server = await startWatchHttp({ listen: { host: '127.0.0.1', port: 0 }, staleAfterMs: 7_200_000, now: () => clock });
});
after(async () => server?.close());

describe('watch HTTP server', () => {
  it('is unhealthy before the socket is up and a cycle has succeeded, healthy after', async () => {
    let health = await get('/healthz');
    assert.equal(health.status, 503);
    assert.deepEqual(JSON.parse(health.text).reasons, ['the broker websocket is down', 'no cycle has succeeded yet']);
    server.recordState({ connected: true });
    server.recordCycle(report({ trigger: 'start', scope: 'all' }));
    health = await get('/healthz');
    assert.equal(health.status, 200);
    assert.equal(health.type, 'application/json');
    assert.deepEqual(JSON.parse(health.text), {
      status: 'ok',
      connected: true,
      lastSuccessfulCycle: '2026-01-01T10:00:00.000Z',
      lastCycle: { trigger: 'start', ok: true, at: '2026-01-01T10:00:00.000Z' },
      failedCycles: 0,
      failingSince: null,
      reasons: [],
    });
  });

  it('turns unhealthy when the socket drops or the last success grows old', async () => {
    server.recordState({ connected: false, reason: 'dropped', retryInMs: 1000 });
    assert.equal((await get('/healthz')).status, 503);
    server.recordState({ connected: true });
    assert.equal((await get('/healthz')).status, 200);
    clock += 7_200_001;
    const stale = await get('/healthz');
    assert.equal(stale.status, 503);
    assert.deepEqual(JSON.parse(stale.text).reasons, ['the last successful cycle is older than 7200 s']);
    server.recordCycle(report({ outcome: { ok: false, error: new ProblemError(problem('REMOTE_CONNECTION', 'down')), retryInMs: 1000 } }));
    assert.equal(JSON.parse((await get('/healthz')).text).lastCycle.code, 'REMOTE_CONNECTION');
    server.recordCycle(report({ trigger: 'resync', scope: 'all' }));
    assert.equal((await get('/healthz')).status, 200);
  });

  it('serves the counters in the Prometheus text format', async () => {
    server.recordEvent({ kind: 'status', requestId: '4', node: '0', status: 'completed' });
    server.recordEvent({ kind: 'status', requestId: '5', node: '0', status: 'completed' });
    server.recordEvent({ kind: 'unknown', reason: 'x' });
    server.recordCycle(report({ eventLagMs: 2500, outcome: { ok: true, result: { actions: { upload: 2, replace: 1, delete: 0 }, bytes: 4096 } } }));
    server.recordCycle(report({ outcome: { ok: false, error: new Error('boom'), retryInMs: 1000 } }));
    const metrics = await get('/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.type!, /^text\/plain; version=0\.0\.4/);
    const t = metrics.text;
    assert.equal(sample(t, 'aktin_sftp_watch_cycles_total{trigger="events",outcome="ok"}'), '1');
    assert.equal(sample(t, 'aktin_sftp_watch_cycles_total{trigger="events",outcome="failed"}'), '2');
    assert.equal(sample(t, 'aktin_sftp_watch_cycles_total{trigger="start",outcome="ok"}'), '1');
    assert.equal(sample(t, 'aktin_sftp_watch_actions_total{kind="upload"}'), '2');
    assert.equal(sample(t, 'aktin_sftp_watch_actions_total{kind="replace"}'), '1');
    assert.equal(sample(t, 'aktin_sftp_watch_actions_total{kind="delete"}'), undefined, 'zero counts add no series');
    assert.equal(sample(t, 'aktin_sftp_watch_uploaded_bytes_total'), '4096');
    assert.equal(sample(t, 'aktin_sftp_watch_errors_total{code="REMOTE_CONNECTION"}'), '1');
    assert.equal(sample(t, 'aktin_sftp_watch_errors_total{code="UNEXPECTED"}'), '1');
    assert.equal(sample(t, 'aktin_sftp_watch_event_lag_seconds_bucket{le="2"}'), '0');
    assert.equal(sample(t, 'aktin_sftp_watch_event_lag_seconds_bucket{le="3"}'), '1');
    assert.equal(sample(t, 'aktin_sftp_watch_event_lag_seconds_sum'), '2.5');
    assert.equal(sample(t, 'aktin_sftp_watch_events_total{kind="status"}'), '2');
    assert.equal(sample(t, 'aktin_sftp_watch_events_total{kind="unknown"}'), '1');
    assert.equal(sample(t, 'aktin_sftp_watch_connected'), '1');
    assert.equal(sample(t, 'aktin_sftp_watch_disconnects_total'), '1');
    assert.equal(sample(t, 'aktin_sftp_watch_last_success_timestamp_seconds'), String(clock / 1000));
    assert.match(t, /^aktin_sftp_process_resident_memory_bytes \d+/m, 'process metrics too');
  });

  it('answers other paths 404 and other methods 405', async () => {
    assert.equal((await get('/')).status, 404);
    assert.equal((await get('/healthz', 'POST')).status, 405);
    assert.equal((await get('/metrics', 'HEAD')).status, 200);
  });

  it('reports a port in use as a usage problem', async () => {
    const port = Number(new URL(server.url).port);
    const error = await failure(startWatchHttp({ listen: { host: '127.0.0.1', port }, staleAfterMs: 1 }));
    assert.equal(error.code, 'USAGE');
    assert.match(error.message, new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${port}`));
    assert.match(error.problems[0]!.detail!, /EADDRINUSE/);
  });
});

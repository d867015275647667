/**
 * The optional health and metrics server of `aktin-sftp watch --listen HOST:PORT` (node:http,
 * prom-client with a registry of its own): `/healthz` answers 200 while the websocket is up
 * and cycles succeed, else 503, with the reasons as JSON (the rule: core/watch-health.ts); `/metrics` is the
 * Prometheus text format. It is fed the loop's reports; it never sees a secret.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventSourceState } from '../../app/ports.js';
import type { BrokerEvent } from '../../core/broker-event.js';
import { ProblemError, problem } from '../../core/problem.js';
import type { CycleReport } from '../../core/watch-cycle.js';
import { assessHealth, nextStreak, NO_FAILURES, type FailureStreak } from '../../core/watch-health.js';
import type { ListenAddress } from '../../core/watch-listen.js';

export interface WatchHttpOptions {
  readonly listen: ListenAddress;
  /** Unhealthy once the last successful cycle is older than this (e.g. twice the resync interval). */
  readonly staleAfterMs: number;
  /** Epoch milliseconds; default Date.now. */
  readonly now?: () => number;
}

export interface WatchHttp {
  /** `http://host:port`, the port resolved when 0 was asked for. */
  readonly url: string;
  recordCycle(report: CycleReport): void;
  recordState(state: EventSourceState): void;
  recordEvent(event: BrokerEvent): void;
  close(): Promise<void>;
}

const LAG_BUCKETS = [0.5, 1, 2, 3, 5, 10, 30, 60, 300, 1800];
const DURATION_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800];

export async function startWatchHttp(options: WatchHttpOptions): Promise<WatchHttp> {
  const now = options.now ?? Date.now;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'aktin_sftp_' });
  const metric = { registers: [registry] };
  const cycles = new Counter({ ...metric, name: 'aktin_sftp_watch_cycles_total', help: 'Cycles run, by trigger and outcome.', labelNames: ['trigger', 'outcome'] as const });
  const duration = new Histogram({ ...metric, name: 'aktin_sftp_watch_cycle_duration_seconds', help: 'Cycle duration, by trigger.', labelNames: ['trigger'] as const, buckets: DURATION_BUCKETS });
  const actions = new Counter({ ...metric, name: 'aktin_sftp_watch_actions_total', help: 'Actions done by successful cycles, by kind.', labelNames: ['kind'] as const });
  const bytes = new Counter({ ...metric, name: 'aktin_sftp_watch_uploaded_bytes_total', help: 'Bytes uploaded by successful cycles.' });
  const errors = new Counter({ ...metric, name: 'aktin_sftp_watch_errors_total', help: 'Failed cycles, by problem code.', labelNames: ['code'] as const });
  const lag = new Histogram({ ...metric, name: 'aktin_sftp_watch_event_lag_seconds', help: 'From a broker event to the end of the successful cycle that covered it.', buckets: LAG_BUCKETS });
  const events = new Counter({ ...metric, name: 'aktin_sftp_watch_events_total', help: 'Broker websocket events received, by kind.', labelNames: ['kind'] as const });
  const connected = new Gauge({ ...metric, name: 'aktin_sftp_watch_connected', help: '1 while the broker websocket is up.' });
  const disconnects = new Counter({ ...metric, name: 'aktin_sftp_watch_disconnects_total', help: 'Times the broker websocket went down or could not connect.' });
  const lastSuccess = new Gauge({ ...metric, name: 'aktin_sftp_watch_last_success_timestamp_seconds', help: 'End of the last successful cycle (Unix time).' });

  let up = false;
  let lastSuccessAt: number | undefined;
  let lastCycle: { trigger: string; ok: boolean; at: number; code?: string } | undefined;
  let streak: FailureStreak = NO_FAILURES;

  const health = () => assessHealth({ now: now(), connected: up, lastSuccessAt, lastCycle, streak, staleAfterMs: options.staleAfterMs });

  const handler = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/healthz' && path !== '/metrics') return void response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: /healthz or /metrics\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') return void response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    if (path === '/healthz') {
      const body = health();
      return void response.writeHead(body.status === 'ok' ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(`${JSON.stringify(body)}\n`);
    }
    try {
      const text = await registry.metrics();
      response.writeHead(200, { 'Content-Type': registry.contentType }).end(text);
    } catch {
      response.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics could not be collected\n');
    }
  };

  const server = http.createServer((request, response) => void handler(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new ProblemError(
          problem('USAGE', `Cannot listen on ${options.listen.host}:${options.listen.port}`, `--listen: ${error.code ?? error.message}.`, 'Choose a free port, or leave out --listen.'),
          { cause: error },
        ),
      ),
    );
    server.listen(options.listen.port, options.listen.host, resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    recordCycle(report) {
      const outcome = report.outcome.ok ? 'ok' : 'failed';
      cycles.inc({ trigger: report.trigger, outcome });
      duration.observe({ trigger: report.trigger }, report.durationMs / 1000);
      const end = report.startedAtMs + report.durationMs;
      streak = nextStreak(streak, report);
      if (report.outcome.ok) {
        for (const [kind, count] of Object.entries(report.outcome.result.actions)) if (count > 0) actions.inc({ kind }, count);
        if (report.outcome.result.bytes > 0) bytes.inc(report.outcome.result.bytes);
        if (report.eventLagMs !== undefined) lag.observe(report.eventLagMs / 1000);
        lastSuccessAt = end;
        lastSuccess.set(end / 1000);
        lastCycle = { trigger: report.trigger, ok: true, at: end };
      } else {
        const code = errorCode(report.outcome.error);
        errors.inc({ code });
        lastCycle = { trigger: report.trigger, ok: false, at: end, code };
      }
    },
    recordState(state) {
      if (!state.connected) disconnects.inc();
      up = state.connected;
      connected.set(up ? 1 : 0);
    },
    recordEvent(event) {
      events.inc({ kind: event.kind });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A problem's stable code; anything else is UNEXPECTED (label values must stay few). */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof ProblemError || (typeof code === 'string' && /^[A-Z][A-Z_]{1,40}$/.test(code)) ? String(code) : 'UNEXPECTED';
}

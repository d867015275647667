/**
 * `aktin-sftp watch`: a daemon that reconciles on the broker's websocket events — a full
 * reconcile at start, a targeted one seconds after events name requests, a full one every
 * [WATCH] RESYNC and after every reconnect — under the same lock, planner and applier as
 * `apply --auto-approve`. SIGTERM/SIGINT finish the cycle in flight and exit 0.
 */
import { reconcilerFor } from '../../app/watch-reconcile.js';
import { runWatch } from '../../app/watch-loop.js';
import { planIdentityOf } from '../../core/plan-freshness.js';
import { ProblemError, problem } from '../../core/problem.js';
import { parseListenAddress } from '../../core/watch-listen.js';
import type { CliCommand } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { loadConfigFor } from '../load-config.js';
import { openBrokerEvents, openWorld, startWatchHttp } from '../open-world.js';
import { lockTimeoutOption, lockWaitFrom, type LockTimeoutArgs } from '../lock-options.js';
import { planOptionsFrom, planSafetyOptions, type PlanSafetyArgs } from '../plan-options.js';
import { watchCycleEntry, watchStateEntry } from '../log-events.js';
import { writeLog } from '../log-lines.js';
import { warningsTo } from '../render-events.js';

interface WatchArgs extends PlanSafetyArgs, LockTimeoutArgs {
  readonly listen?: string;
}

export const watchCommand: CliCommand<WatchArgs> = {
  command: 'watch',
  describe: 'Stay running: apply within seconds of the broker\'s events, with a full reconcile every [WATCH] RESYNC',
  builder: (y) =>
    planSafetyOptions(
      lockTimeoutOption(y)
        .option('listen', { type: 'string', describe: 'Serve /healthz and /metrics (Prometheus) on HOST:PORT, e.g. 127.0.0.1:9464' })
        .example('$0 watch -c /etc/aktin/settings.toml', 'the daemon (a systemd service)')
        .example('$0 watch --listen 127.0.0.1:9464', 'with /healthz and /metrics')
        .example('$0 watch --lock-timeout 2m', 'a cycle waits up to 2 minutes for a cron run\'s lock'),
    ),
  epilog:
    'One log line per cycle on stderr (--log-format json: one JSON object per line). Exit codes: 0 stopped by SIGTERM/SIGINT, 64 invalid configuration or --listen, 1 error.',
  run: async (args, io) => {
    const listen = args.listen === undefined ? undefined : parseListenAddress(args.listen);
    if (listen && !listen.ok) throw new ProblemError(listen.problems);
    const config = await loadConfigFor(args, io);
    const options = planOptionsFrom(args, config);
    if (options.only) throw new ProblemError(problem('USAGE', 'watch takes no --only', 'It targets the requests the broker\'s events name, and reconciles all of them every [WATCH] RESYNC.'));
    const resyncMs = config.watch.resyncSeconds * 1000;
    const http = listen ? await startWatchHttp({ listen: listen.value, staleAfterMs: 2 * resyncMs }) : undefined;
    if (http) writeLog(io, { level: 'info', event: 'watch_listen', message: `watch: /healthz and /metrics on ${http.url}`, fields: { url: http.url } }, { alwaysStamped: true });
    const stop = io.interrupt ?? new AbortController().signal;
    try {
      await runWatch({
        source: await openBrokerEvents(config),
        reconcile: reconcilerFor(openWorld(config, warningsTo(io, args)), { identity: planIdentityOf(config), options, concurrency: config.apply.concurrency, exportsAhead: config.broker.concurrency, ...lockWaitFrom(args) }),
        signal: stop,
        debounceMs: config.watch.debounceSeconds * 1000,
        resyncMs,
        onCycle: (report) => {
          writeLog(io, watchCycleEntry(report), { alwaysStamped: true });
          http?.recordCycle(report);
        },
        onState: (state) => {
          writeLog(io, watchStateEntry(state), { alwaysStamped: true });
          http?.recordState(state);
        },
        onEvent: (event) => http?.recordEvent(event),
      });
    } finally {
      await http?.close();
    }
    return EXIT.OK;
  },
};

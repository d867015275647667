/**
 * Benchmark of the event path of `aktin-sftp watch`: an emulator seeded with REQUESTS requests,
 * a burst of BURST node status posts over the REST API, the real websocket client and watch
 * loop; prints, per event, the time from the end of its REST call to the start of the cycle
 * that covered it (median, max), and how many cycles the burst became. The cycles only record
 * their scope: this measures the event path and the debounce, not plan/apply.
 *   node --import tsx integration/bench-watch-events.ts [REQUESTS=5000] [BURST=100] [DEBOUNCE_MS=2000]
 */
import { WebsocketBrokerEvents } from '../src/adapters/broker-events.js';
import { runWatch } from '../src/app/watch-loop.js';
import type { RequestId } from '../src/core/model.js';
import { Secret } from '../src/core/secret.js';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator } from './broker-emulator/index.js';

const requests = Number(process.argv[2] ?? 5000);
const burst = Number(process.argv[3] ?? 100);
const debounceMs = Number(process.argv[4] ?? 2000);

const emulator = await startBrokerEmulator({ port: 0, seed: { requests: Array.from({ length: requests }, () => ({ tags: ['rki'] })) } });
const controller = new AbortController();
const posted = new Map<RequestId, number>();
const latencies: number[] = [];
const cycles: { scope: RequestId[] | 'all'; at: number }[] = [];
let connected!: () => void;
const up = new Promise<void>((resolve) => (connected = resolve));
const source = new WebsocketBrokerEvents({ broker: { url: emulator.url, apiKey: new Secret('xxxAdmin1234'), timeoutSeconds: 30 } });
const done = runWatch({
  source,
  signal: controller.signal,
  debounceMs,
  reconcile: async (scope) => {
    const at = performance.now();
    cycles.push({ scope, at });
    if (scope !== 'all') for (const id of scope) if (posted.has(id)) latencies.push(at - posted.get(id)!);
    return { actions: {}, bytes: 0 };
  },
  onState: (state) => state.connected && connected(),
});
try {
  await up;
  while (cycles.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  const statusBefore = emulator.stats().calls.status ?? 0;
  const node = new BrokerDriver(emulator.url).node('xxxApiKey123');
  const ids = Array.from({ length: burst }, (_, i) => String(Math.floor((i * requests) / burst)));
  const start = performance.now();
  for (const id of ids) {
    await node.postStatus(id, 'completed');
    posted.set(id, performance.now());
  }
  const postMs = performance.now() - start;
  while (latencies.length < burst) await new Promise((resolve) => setTimeout(resolve, 10));
  const sorted = [...latencies].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const targeted = cycles.filter((c) => c.scope !== 'all').length;
  console.log(
    `${requests} requests, burst of ${burst} status posts in ${postMs.toFixed(0)} ms, debounce ${debounceMs} ms: ` +
      `event-to-cycle latency median ${median.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms; ` +
      `${targeted} targeted cycle(s); ${(emulator.stats().calls.status ?? 0) - statusBefore} status calls by the watch path`,
  );
} finally {
  controller.abort();
  await done;
  await emulator.close();
}

/**
 * Benchmark: 1,000 tagged requests with 3 nodes each (plus 1,000 under another tag), listed and
 * their statuses read in one pass through the broker client; prints the time and the HTTP
 * connections opened, which keep-alive should hold at or below the concurrency.
 *   node --import tsx integration/bench-broker.ts [REQUESTS=1000] [CONCURRENCY=8] [PASSES=3]
 */
import { createBrokerReader } from '../src/adapters/broker/http.js';
import { Secret } from '../src/core/secret.js';
import { startBrokerEmulator, type EmulatorSeed } from './broker-emulator/index.js';

const requests = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 8);
const passes = Number(process.argv[4] ?? 3);

const nodes = (i: number) => [
  { key: 'xxxApiKey123', status: ['retrieved', 'completed'] as const, date: '2024-05-01T10:00:00Z' },
  { key: 'xxxApiKey567', status: i % 2 === 0 ? ('completed' as const) : ('processing' as const) },
  { key: 'xxxApiKey890', status: 'retrieved' as const, message: 'waiting for approval' },
];
const seed: EmulatorSeed = {
  requests: Array.from({ length: 2 * requests }, (_, i) => (i % 2 === 0 ? { tags: ['rki', 'monthly'], nodes: nodes(i / 2) } : { tags: ['other'] })),
};

const setup = process.hrtime.bigint();
const emulator = await startBrokerEmulator({ port: 0, seed });
console.log(`emulator seeded with ${seed.requests.length} requests in ${(Number(process.hrtime.bigint() - setup) / 1e6).toFixed(0)} ms`);
try {
  for (let pass = 1; pass <= passes; pass++) {
    const before = emulator.stats();
    const broker = createBrokerReader({ broker: { url: emulator.url, apiKey: new Secret('xxxAdmin1234'), timeoutSeconds: 30 }, concurrency });
    const start = process.hrtime.bigint();
    const snapshot = await broker.readSnapshot('rki');
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    await broker.close();
    const after = emulator.stats();
    const calls = after.requests - before.requests;
    const completions = new Set(snapshot.requests.map((r) => r.completion));
    console.log(
      `pass ${pass}: ${snapshot.requests.length} requests (completions ${[...completions].join(', ')}), ` +
        `${calls} HTTP requests over ${after.connections - before.connections} connections (concurrency ${concurrency}), ` +
        `${seconds.toFixed(3)} s, ${(calls / seconds).toFixed(0)} requests/s`,
    );
    if (snapshot.requests.length !== requests || after.connections - before.connections > concurrency) process.exitCode = 1;
  }
} finally {
  await emulator.close();
}

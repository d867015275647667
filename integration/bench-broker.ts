/**
 * Benchmark: 1,000 tagged requests with 3 nodes each, listed and their statuses read in one
 * pass through the broker client; prints the time and the HTTP connections opened.
 *   node --import tsx integration/bench-broker.ts [REQUESTS] [CONCURRENCY]
 */
import { createBrokerReader } from '../src/adapters/broker-http.js';
import { Secret } from '../src/core/secret.js';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator } from './broker-emulator/index.js';

const requests = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 8);
const emulator = await startBrokerEmulator({ port: 0 });
try {
  const driver = new BrokerDriver(emulator.url);
  const nodes = ['xxxApiKey123', 'xxxApiKey567', 'xxxApiKey890'].map((key) => driver.node(key));
  for (let i = 0; i < requests; i++) {
    const id = await driver.createRequest({ tags: ['rki'] });
    await Promise.all(nodes.map((n, k) => n.postStatus(id, k === 2 ? 'retrieved' : 'completed')));
  }
  const before = emulator.stats();
  const broker = createBrokerReader({ broker: { url: emulator.url, apiKey: new Secret('xxxAdmin1234'), timeoutSeconds: 30 }, concurrency });
  const start = process.hrtime.bigint();
  const snapshot = await broker.readSnapshot('rki');
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await broker.close();
  const after = emulator.stats();
  console.log(`requests listed        ${snapshot.requests.length} (3 nodes each, completion ${snapshot.requests[0]?.completion})`);
  console.log(`HTTP requests          ${after.requests - before.requests}`);
  console.log(`HTTP connections       ${after.connections - before.connections} (concurrency ${concurrency})`);
  console.log(`elapsed                ${seconds.toFixed(2)} s (${((after.requests - before.requests) / seconds).toFixed(0)} requests/s)`);
  if (snapshot.requests.length !== requests) process.exitCode = 1;
} finally {
  await emulator.close();
}

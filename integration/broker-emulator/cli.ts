/**
 * `npm run broker-emulator -- [--port 8080] [--seed seed.json]`: the broker emulator on its
 * own, for trying aktin-sftp by hand or with the AKTIN docs' curl examples.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BrokerDriver, type NodeState } from '../broker-driver.js';
import { startBrokerEmulator } from './index.js';

interface SeedRequest {
  tags: string[];
  publish?: boolean;
  nodes?: { key: string; status: NodeState; result?: string; resultType?: string; message?: string }[];
}

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, seed: { type: 'string' } } });
const emulator = await startBrokerEmulator({ port: Number(values.port) });
if (values.seed) {
  const driver = new BrokerDriver(emulator.url);
  const seed = JSON.parse(readFileSync(values.seed, 'utf8')) as { requests: SeedRequest[] };
  for (const request of seed.requests) {
    const id = await driver.createRequest({ tags: request.tags, publish: request.publish ?? true });
    for (const node of request.nodes ?? []) {
      const hospital = driver.node(node.key);
      if (node.result !== undefined) await hospital.putResult(id, node.result, node.resultType ?? 'text/csv');
      await hospital.postStatus(id, node.status, node.message === undefined ? {} : { message: node.message });
    }
  }
  console.log(`Seeded ${seed.requests.length} request(s) from ${values.seed}.`);
}
console.log(`AKTIN Broker emulator listening on ${emulator.url} (admin key xxxAdmin1234; node keys xxxApiKey123, xxxApiKey567, xxxApiKey890). Ctrl-C stops it.`);
process.once('SIGINT', () => void emulator.close().then(() => process.exit(0)));
process.once('SIGTERM', () => void emulator.close().then(() => process.exit(0)));

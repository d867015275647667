/**
 * `npm run broker-emulator -- [--port 8080] [--seed seed.json] [--latency-ms 10] [--export-latency-ms 0] [--jitter-ms 0]`:
 * the broker emulator on its own (with a wait per call: a broker at a distance, latency.ts), for trying aktin-sftp by hand, the README demo, or the AKTIN docs' curl examples.
 * The seed file format is described in seed.ts and README.md.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_API_KEYS, startBrokerEmulator, validateSeed, type EmulatorSeed } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    seed: { type: 'string' },
    'latency-ms': { type: 'string', default: '0' },
    'export-latency-ms': { type: 'string', default: '0' },
    'jitter-ms': { type: 'string', default: '0' },
  },
});
const latency = { latencyMs: Number(values['latency-ms']), exportLatencyMs: Number(values['export-latency-ms']), jitterMs: Number(values['jitter-ms']) };
for (const name of ['latency-ms', 'export-latency-ms', 'jitter-ms'] as const) {
  const ms = Number(values[name]);
  if (!Number.isFinite(ms) || ms < 0) {
    console.error(`--${name} must be a number of milliseconds ≥ 0, got "${values[name]}"`);
    process.exit(64);
  }
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number (0 for any free port), got "${values.port}"`);
  process.exit(64);
}
let seed: EmulatorSeed | undefined;
if (values.seed) {
  try {
    seed = validateSeed(JSON.parse(readFileSync(values.seed, 'utf8')), DEFAULT_API_KEYS);
  } catch (error) {
    console.error(`Cannot use the seed file ${values.seed}: ${(error as Error).message}`);
    process.exit(64);
  }
}
const emulator = await startBrokerEmulator({ port, latency, ...(seed ? { seed } : {}) });
if (seed) console.log(`Seeded ${seed.requests.length} request(s) from ${values.seed} (ids 0..${seed.requests.length - 1}).`);
console.log(`AKTIN Broker emulator listening on ${emulator.url} (admin key xxxAdmin1234; node keys xxxApiKey123, xxxApiKey567, xxxApiKey890). Ctrl-C stops it.`);
process.once('SIGINT', () => void emulator.close().then(() => process.exit(0)));
process.once('SIGTERM', () => void emulator.close().then(() => process.exit(0)));

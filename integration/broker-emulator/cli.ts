/**
 * `npm run broker-emulator -- [--port 8080] [--seed seed.json] [--latency-ms 10] [--export-latency-ms 0] [--jitter-ms 0]`:
 * the broker emulator on its own (with a wait per call: a broker at a distance, latency.ts), for
 * trying aktin-sftp by hand, the README demo, or the AKTIN docs' curl examples.
 * The seed file format is described in seed.ts and README.md. Every failure is one line on
 * stderr and an exit code, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { EMULATOR_USAGE, parseEmulatorArgs } from './cli-args.js';
import { DEFAULT_API_KEYS, startBrokerEmulator, validateSeed, type EmulatorSeed } from './index.js';

const args = parseEmulatorArgs(process.argv.slice(2));
if (args.kind === 'help') {
  console.log(EMULATOR_USAGE);
  process.exit(0);
}
if (args.kind === 'usage-error') {
  console.error(`broker-emulator: ${args.message}\nRun 'npm run broker-emulator -- --help' for usage.`);
  process.exit(64);
}
let seed: EmulatorSeed | undefined;
if (args.seed !== undefined) {
  try {
    seed = validateSeed(JSON.parse(readFileSync(args.seed, 'utf8')), DEFAULT_API_KEYS);
  } catch (error) {
    console.error(`broker-emulator: cannot use the seed file ${args.seed}: ${(error as Error).message}`);
    process.exit(64);
  }
}
let emulator;
try {
  emulator = await startBrokerEmulator({ port: args.port, latency: args.latency, ...(seed ? { seed } : {}) });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(`broker-emulator: cannot listen on port ${args.port}: ${code === 'EADDRINUSE' ? 'the port is in use; choose another with --port (0 for any free port)' : (error as Error).message}`);
  process.exit(1);
}
if (seed) console.log(`Seeded ${seed.requests.length} request(s) from ${args.seed} (ids 0..${seed.requests.length - 1}).`);
console.log(`AKTIN Broker emulator listening on ${emulator.url} (admin key xxxAdmin1234; node keys xxxApiKey123, xxxApiKey567, xxxApiKey890). Ctrl-C stops it.`);
const stop = () => void emulator.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

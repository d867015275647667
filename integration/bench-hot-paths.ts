/**
 * Benchmark of the pure and parsing steps a no-change run repeats per request or per run, in
 * CPU time (best and median of 5 rounds), so each owner sees what their part costs against the
 * issue-9 budget of 0.3 ms CPU per tagged request:
 *   per request: the whole broker client (HTTP over keep-alive to an emulator in another
 *   process, so only the client's CPU is counted) and, of that, the status list XML parse,
 *   fingerprint and completion;
 *   per run: the filtered request list parse, the broker and listing digests, the ledger
 *   parse, serialisation and XSD validation (xmllint-wasm), for N ledger entries.
 *   node --import tsx integration/bench-hot-paths.ts [N=5000]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createBrokerReader } from '../src/adapters/broker/http.js';
import { Secret } from '../src/core/secret.js';
import { parseRequestIds, parseStatusList } from '../src/adapters/broker/xml.js';
import { ledgerSchemaErrors } from '../test/support/ledger-schema.js';
import { formatLedgerXml, parseLedgerXml } from '../src/adapters/ledger/xml.js';
import { fingerprintOf } from '../src/core/broker-fingerprint.js';
import { completionOf, nodeCounts } from '../src/core/completion.js';
import { brokerDigest, listingDigest } from '../src/core/digests.js';
import type { Ledger } from '../src/core/model.js';
import { startBrokerEmulator } from './broker-emulator/index.js';

const n = Number(process.argv[2] ?? 5000);

async function cpu(name: string, calls: number, run: () => unknown): Promise<void> {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < calls; i++) await run();
    const used = process.cpuUsage(start);
    rounds.push((used.user + used.system) / 1e3 / calls);
  }
  rounds.sort((a, b) => a - b);
  const unit = (ms: number) => (ms < 1 ? `${(ms * 1e3).toFixed(1)} µs` : `${ms.toFixed(1)} ms`);
  console.log(`${name.padEnd(48)} ${unit(rounds[0]!).padStart(10)} best, ${unit(rounds[2]!).padStart(10)} median`);
}

// Real broker documents: the emulator's answers for one request with two nodes, and a list of n.
const emulator = await startBrokerEmulator({
  seed: {
    requests: Array.from({ length: n }, () => ({
      tags: ['rki'],
      nodes: [
        { key: 'xxxApiKey123', status: ['retrieved', 'completed'] as const, date: '2024-05-01T10:00:00Z' },
        { key: 'xxxApiKey567', status: 'processing' as const, message: 'waiting' },
      ],
    })),
  },
});
const get = async (path: string) =>
  (await fetch(emulator.url + path, { headers: { Authorization: 'Bearer xxxAdmin1234' } })).text();
const statusXml = await get('/broker/request/0/status');
const listXml = await get(`/broker/request/filtered?type=${encodeURIComponent('application/vnd.aktin.query.request+xml')}&predicate=${encodeURIComponent("//tag='rki'")}`);
await emulator.close();
const statuses = parseStatusList(statusXml, 'bench');
if (parseRequestIds(listXml, 'bench').length !== n) throw new Error('the filtered list did not hold every request');

/** readSnapshot against the emulator in a child process: this process's CPU is the client's alone. */
async function brokerClientCpu(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-hot-paths-'));
  const seedFile = join(dir, 'seed.json');
  writeFileSync(seedFile, JSON.stringify({ requests: Array.from({ length: n }, () => ({ tags: ['rki'], nodes: [{ key: 'xxxApiKey123', status: 'completed' }, { key: 'xxxApiKey567', status: 'processing' }] })) }));
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'broker-emulator', 'cli.ts'), '--port', '0', '--seed', seedFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let url = '';
    for await (const line of createInterface({ input: child.stdout })) {
      url = /listening on (\S+)/.exec(line)?.[1] ?? '';
      if (url) break;
    }
    for (const concurrency of [1, 4, 8]) {
      const rounds: number[] = [];
      for (let r = 0; r < 3; r++) {
        const broker = createBrokerReader({ broker: { url, apiKey: new Secret('xxxAdmin1234'), timeoutSeconds: 30 }, concurrency });
        const start = process.cpuUsage();
        const snapshot = await broker.readSnapshot('rki');
        const used = process.cpuUsage(start);
        await broker.close();
        if (snapshot.requests.length !== n) throw new Error('readSnapshot missed requests');
        rounds.push((used.user + used.system) / 1e3 / n);
      }
      rounds.sort((a, b) => a - b);
      console.log(`  readSnapshot, concurrency ${concurrency}: client CPU per request      ${(rounds[0]! * 1e3).toFixed(1).padStart(7)} µs best, ${(rounds[1]! * 1e3).toFixed(1).padStart(7)} µs median`);
    }
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`per tagged request (status list of ${statusXml.length} bytes, 2 nodes)`);
await brokerClientCpu();
await cpu('  parseStatusList (broker/xml.ts)', 20_000, () => parseStatusList(statusXml, 'bench'));
await cpu('  fingerprintOf (broker-fingerprint.ts)', 20_000, () => fingerprintOf(statuses));
await cpu('  nodeCounts + completionOf (completion.ts)', 20_000, () => {
  const { nodes, completed } = nodeCounts(statuses);
  return completionOf(completed, nodes);
});

const hex = () => randomBytes(32).toString('hex');
const ledger: Ledger = {
  lineage: '6f0c4f3e-0d5c-4b7a-9d43-3f6f7e3c2a10',
  serial: 7,
  entries: Array.from({ length: n }, (_, i) => ({
    id: String(i),
    completion: '0.5',
    uploaded: '2024-05-01 10:00:00',
    lastUpdate: '2024-05-02 10:00:00',
    fingerprint: hex(),
    tokenSize: 4000 + i,
    tokenSha256: hex(),
    bundleSha256: hex(),
    plan: '3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a',
  })),
};
const ledgerXml = formatLedgerXml(ledger);
console.log(`per run, for ${n} requests / ledger entries (status.xml ${(ledgerXml.length / 1024).toFixed(0)} KiB)`);
await cpu(`  parseRequestIds, ${n} ids (broker/xml.ts)`, 5, () => parseRequestIds(listXml, 'bench'));
const snapshot = { tag: 'rki', requests: ledger.entries.map((e) => ({ id: e.id, completion: e.completion, fingerprint: e.fingerprint!, nodes: 2, completed: 1 })) };
await cpu('  brokerDigest (digests.ts)', 5, () => brokerDigest(snapshot));
const listing = { files: ledger.entries.map((e) => ({ name: `export_${e.id}.zip`, size: e.tokenSize!, mtime: 1_714_557_600 })), ledgerSha256: hex() };
await cpu('  listingDigest (digests.ts)', 5, () => listingDigest(listing));
await cpu('  parseLedgerXml (ledger/xml.ts)', 5, () => parseLedgerXml(ledgerXml));
await cpu('  formatLedgerXml (ledger/xml.ts)', 5, () => formatLedgerXml(ledger));
const first = process.cpuUsage();
await ledgerSchemaErrors(ledgerXml);
const used = process.cpuUsage(first);
console.log(`  ledgerSchemaErrors, first call (xmllint-wasm)     ${((used.user + used.system) / 1e3).toFixed(1)} ms (main thread and worker)`);
await cpu('  ledgerSchemaErrors, later calls (xmllint-wasm)', 1, () => ledgerSchemaErrors(ledgerXml));

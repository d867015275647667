/**
 * Ledger benchmark (a script, not a timed test): for ledgers of 2,000 and 100,000 entries (each
 * with every extension, as aktin-sftp writes them), prints wall time, CPU time and peak RSS of
 *   read      store.read(): parse and check against the schema in one pass
 *   xsd       libxml2's XSD validator (xmllint-wasm) on the same file, as every read did before
 *   write     store.flush() of the whole ledger: format, temp file, fsync, backup, rename
 *   journal   2,000 store.record() calls, each changing one entry (journal appends, as apply
 *             records its steps), then flush()
 * Each measurement runs in a fresh plain node process (no TypeScript loader), so peak RSS (the
 * child's own VmHWM: getrusage's maxRSS of a child starts at its parent's) and start-up are
 * those of the shipped code. Uses the built code:
 *   npm run build && node --import tsx integration/bench-ledger.ts [N ...]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The compiled modules (tsc's build/, one file per module), not the bundle in dist/.
const BUILT = new URL('../build/adapters/', import.meta.url);
// The XSD oracle is test code (not built): its child process loads it through tsx.
const ORACLE = new URL('../test/support/ledger-schema.ts', import.meta.url);
const OPS = ['read', 'xsd', 'write', 'journal'] as const;
const APPENDS = 2000;


async function main(sizes: number[]): Promise<void> {
  if (!existsSync(new URL('ledger/file.js', BUILT))) throw new Error('run `npm run build` first: the benchmark measures the built code');
  const ns = sizes.length > 0 ? sizes : [2000, 100_000];
  console.log(`node ${process.version}, ${APPENDS} journal appends per run\n`);
  console.log(['entries', 'file MB', 'operation', 'wall ms', 'CPU ms', 'peak RSS MB'].map((h) => h.padStart(12)).join(''));
  for (const n of ns) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-ledger-'));
    try {
      const mb = await seed(dir, n);
      for (const op of OPS) {
        const source = `const BUILT = new URL(${JSON.stringify(BUILT.href)}); const ORACLE = ${JSON.stringify(ORACLE.href)}; const APPENDS = ${APPENDS}; const OP = ${JSON.stringify(op)}; const DIR = ${JSON.stringify(dir)};\n${CHILD}`;
        // A file, not --input-type=module -e: with tsx loaded (the xsd oracle is TypeScript) Node refused -e.
        const script = join(dir, `bench-${op}.mjs`);
        writeFileSync(script, source);
        const run = spawnSync(process.execPath, [...(op === 'xsd' ? ['--import', 'tsx'] : []), script], { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (run.status !== 0) throw new Error(`${op} failed: ${run.stderr}`);
        const r = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { wall: number; cpu: number; rss: number; note?: string };
        console.log([n, mb.toFixed(1), op, r.wall.toFixed(0), r.cpu.toFixed(0), r.rss.toFixed(0)].map((v) => String(v).padStart(12)).join('') + (r.note ? `   ${r.note}` : ''));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function seed(dir: string, n: number): Promise<number> {
  const { formatLedgerXml } = (await import(new URL('ledger/xml.js', BUILT).href)) as typeof import('../src/adapters/ledger/xml.js');
  const hex = (i: number, c: string) => (c.repeat(56) + i.toString(16).padStart(8, '0')).slice(-64);
  const entries = Array.from({ length: n }, (_, i) => ({
    id: String(i),
    completion: '1.0',
    uploaded: '2026-11-22 10:00:00',
    lastUpdate: '2026-11-23 10:00:00',
    fingerprint: hex(i, 'a'),
    tokenSize: 2_048 + i,
    tokenSha256: hex(i, 'b'),
    bundleSha256: hex(i, 'c'),
    plan: '5d0c7a1e-0000-4000-8000-000000000001',
  }));
  const text = formatLedgerXml({ lineage: '0f8e3a52-6c1d-4c7e-9b1a-2d3e4f5a6b7c', serial: 1, entries });
  writeFileSync(join(dir, 'status.xml'), text);
  return text.length / 1e6;
}

/** The child: plain JavaScript, written to a file and run (BUILT, ORACLE, APPENDS, OP and DIR are prepended). */
const CHILD = String.raw`
const { readFileSync } = await import('node:fs');
const { join } = await import('node:path');
const { createLedgerStore } = await import(new URL('ledger/file.js', BUILT).href);
const startCpu = process.cpuUsage();
const start = performance.now();
let note;
const store = createLedgerStore(DIR, { foldIntervalMs: 3600000 });
if (OP === 'read') {
  note = (await store.read()).ledger.entries.length + ' entries';
} else if (OP === 'xsd') {
  const { ledgerSchemaErrors } = await import(ORACLE);
  note = (await ledgerSchemaErrors(readFileSync(join(DIR, 'status.xml'), 'utf8'))).length + ' errors';
} else if (OP === 'write') {
  const { ledger } = await store.read();
  const t = performance.now();
  await store.write({ ...ledger, plan: 'bench-write' });
  await store.flush();
  note = 'write + flush ' + (performance.now() - t).toFixed(0) + ' ms after the read';
} else {
  const { ledger } = await store.read();
  const t = performance.now();
  for (let i = 0; i < APPENDS; i++) {
    const at = i % ledger.entries.length;
    const entry = { ...ledger.entries[at], completion: i % 2 ? '1.0' : '0.5' };
    await store.record({ plan: '5d0c7a1e-0000-4000-8000-000000000002', pending: ['export_' + at + '.zip'], entry });
  }
  const appended = performance.now() - t;
  const f = performance.now();
  await store.flush();
  note = ((appended * 1000) / APPENDS).toFixed(0) + ' µs per append (after the read), final flush ' + (performance.now() - f).toFixed(0) + ' ms';
}
const cpu = process.cpuUsage(startCpu);
console.log(JSON.stringify({ wall: performance.now() - start, cpu: (cpu.user + cpu.system) / 1000, rss: Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024, note }));
`;

await main(process.argv.slice(2).map(Number).filter((n) => n > 0));

/**
 * Benchmark of the whole job (issue 9): the broker emulator in this process, seeded with N
 * tagged requests (plus a tenth as many under another tag), the real test sshd
 * (integration/sshd/start.sh, stopped at the end), and the built CLI run as cron runs it,
 * `node dist/main.js apply --auto-approve -c settings.toml`, three times per N: first sync, a
 * run with no change, a run after 1% of the requests changed (a second node completed with a
 * result), then start-up alone: `--version` and `validate` (config, key and that ledger) five
 * times each, the best and the median; `--runs …,plan` adds `plan -c settings.toml` (read-only:
 * after a no-change run, the no-change plan that issue 9 sets a 100,000-request goal for).
 * Per run it prints the child's wall time, CPU time (user+sys) and peak RSS (read in
 * the child at exit by a preloaded probe: VmHWM, its own), broker calls and bytes on the wire, the files
 * uploaded and their bytes, the ledger writes seen in the working directory, and the busy time
 * of the emulator (CPU time of this process during the run, and the sum of its answering times)
 * and of sshd (CPU of its sessions), so the tool's own overhead shows as a ratio.
 *
 * With --latency-ms the emulator waits that long before every call (a broker at a distance;
 * --export-latency-ms more per export, --jitter-ms ± per call) and each run also prints the serial
 * lower bound calls × RTT — what a client making one call at a time, as the original tool does,
 * cannot beat — beside the wall time, and the peak of requests and connections in flight at the broker.
 *
 *   npm run bench -- [N …] [--size BYTES] [--scheme fernet|age|crypt4gh] [--nodes K] [--runs first,nochange,changed,plan,startup] [--cpu-prof DIR] [--concurrency C] [--broker-concurrency C]
 *                    [--latency-ms MS] [--export-latency-ms MS] [--jitter-ms MS] [--node-flags FLAGS] [--hold]
 *   npm run bench -- 1000 --latency-ms 10 --runs first,nochange   # a broker in another data centre
 *   npm run bench -- 200                     # a quick run
 *   npm run bench -- 2000 --cpu-prof DIR     # also a V8 CPU profile of each CLI run, in DIR
 *   npm run bench -- 2000 --concurrency 8    # with [APPLY] CONCURRENCY = 8 (default: the tool's)
 *   npm run bench -- 5000 --node-flags '--max-old-space-size=64'   # node flags for the CLI runs
 *   AKTIN_SFTP_BROKER_TIMEOUT=120 npm run bench -- 100000 --runs first,nochange,plan   # the emulator's list of 100,000 takes ~15 s
 *   npm run bench -- 5000 --runs first --hold   # then keeps emulator, sshd and working directory until Ctrl-C,
 *                                                # to run (and profile) the CLI by hand against that state
 *
 * --scheme age|crypt4gh seals with a public-key scheme (a recipient made for the run) instead of
 * Fernet; a first sync of results of 1 MiB or more also prints the MiB/s of its uploaded bytes
 * (sealed, as on the server) over its wall and CPU time, for issue 22's "fast and flat":
 *   npm run bench -- 1 --size 355000000 --runs first --scheme crypt4gh   # a bundle of ~256 MiB
 *
 * Defaults: N = 200 2000 5000, results of 2 KiB, 2 nodes per request (one completed with a
 * result, one still working). Needs root (the sshd); `npm run bench` builds first.
 * Not a test: it asserts only that every run exits 0 and the first sync uploads every request.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator, type BrokerEmulator, type EmulatorSeed, type SeedRequest } from './broker-emulator/index.js';
import { CLI } from './support/cli-process.js';
import { createDeployment, sshdTarget } from './support/e2e-world.js';
import { formatAgeRecipient, generateAgeIdentity } from '../src/adapters/encryption/age/index.js';
import { formatCrypt4ghPublicKey, generateCrypt4ghSecretKey } from '../src/adapters/encryption/crypt4gh/index.js';
import { watchWrites, type WriteWatch } from './bench-sync-writes.js';
import { startBenchSshd } from './support/bench-sshd.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args.splice(at, 2)[1] ?? fallback : fallback;
};
const size = Number(option('size', '2048'));
/** Results from this size up get their MiB/s printed and their streaming phase timed apart. */
const LARGE_RESULT = 1024 * 1024;
const scheme = option('scheme', 'fernet');
const nodesPerRequest = Math.max(1, Number(option('nodes', '2')));
const runs = option('runs', 'first,nochange,changed,startup').split(',');
const profileDir = option('cpu-prof', '');
const concurrency = option('concurrency', '');
const brokerConcurrency = option('broker-concurrency', '');
const latency = { latencyMs: Number(option('latency-ms', '0')), exportLatencyMs: Number(option('export-latency-ms', '0')), jitterMs: Number(option('jitter-ms', '0')) };
const nodeFlags = option('node-flags', '').split(' ').filter(Boolean);
const hold = args.includes('--hold') ? (args.splice(args.indexOf('--hold'), 1), true) : false;
const sizes = args.length > 0 ? args.map(Number) : [200, 2000, 5000];
// The emulator evaluates the tag's XPath per request: at 100,000 requests its list takes longer than the default 10 s.
const brokerTimeout = process.env.AKTIN_SFTP_BROKER_TIMEOUT ? { AKTIN_SFTP_BROKER_TIMEOUT: process.env.AKTIN_SFTP_BROKER_TIMEOUT } : {};
// [BROKER] comes first in the deployment's settings.toml: its CONCURRENCY is set through the environment.
const brokerEnv = { ...brokerTimeout, ...(brokerConcurrency ? { AKTIN_SFTP_BROKER_CONCURRENCY: brokerConcurrency } : {}) };
if (sizes.some((n) => !Number.isInteger(n) || n <= 0) || !Number.isInteger(size) || size <= 0 || Object.values(latency).some((ms) => !(ms >= 0)) || !['fernet', 'age', 'crypt4gh'].includes(scheme)) {
  console.error('usage: bench-sync.ts [N …] [--size BYTES] [--scheme fernet|age|crypt4gh] [--nodes K] [--runs first,nochange,changed,plan,startup] [--cpu-prof DIR] [--concurrency C] [--broker-concurrency C] [--latency-ms MS] [--export-latency-ms MS] [--jitter-ms MS] [--node-flags FLAGS] [--hold]');
  process.exit(64);
}

const NODE_KEYS = ['xxxApiKey123', 'xxxApiKey567', 'xxxApiKey890'];
const TAG = 'rki';

/**
 * Deterministic CSV-like text of `bytes` bytes that deflate cannot shrink to nothing; from 1 MiB
 * on, random base64url text (the CSV-like text deflates ~100:1 there), which deflates to about ¾,
 * so that the bundle, and what is sealed and uploaded, is about ¾ of --size.
 */
function resultText(request: number, bytes: number): string {
  if (bytes >= 1024 * 1024) return randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64url').slice(0, bytes);
  let state = (request + 1) * 2654435761;
  let text = 'id;node;wert\n';
  while (text.length < bytes) {
    state = (state * 1103515245 + 12345) >>> 0;
    text += `${request};${state % 97};${state.toString(36)}\n`;
  }
  return text.slice(0, bytes);
}

function seedFor(n: number): { seed: EmulatorSeed; tagged: number[] } {
  const requests: SeedRequest[] = [];
  const tagged: number[] = [];
  for (let i = 0; requests.length < n + Math.floor(n / 10); i++) {
    if (i % 11 === 10) {
      requests.push({ tags: ['other'] });
      continue;
    }
    tagged.push(requests.length);
    const nodes = Array.from({ length: Math.min(nodesPerRequest, NODE_KEYS.length) }, (_, k) =>
      k === 0
        ? { key: NODE_KEYS[0]!, result: resultText(i, size), status: ['retrieved', 'completed'] as const, date: '2024-05-01T10:00:00Z' }
        : { key: NODE_KEYS[k]!, status: 'processing' as const, date: '2024-05-01T10:00:00Z' },
    );
    requests.push({ tags: [TAG, 'monthly'], nodes });
  }
  return { seed: { requests }, tagged };
}

interface Probe {
  readonly userCPUTime: number;
  readonly systemCPUTime: number;
  readonly io: string;
  /** /proc/self/status, for VmHWM: getrusage's maxRSS of a spawned child starts at its parent's (this process, emulator and all). */
  readonly status: string;
}

/** Loaded into the CLI process with --import: resource usage, /proc/self/io and /proc/self/status at exit. */
const PROBE = `data:text/javascript,${encodeURIComponent(
  "import { writeFileSync, readFileSync } from 'node:fs';" +
    "process.on('exit', () => writeFileSync(process.env.AKTIN_BENCH_PROBE, JSON.stringify({ ...process.resourceUsage(), io: readFileSync('/proc/self/io', 'utf8'), status: readFileSync('/proc/self/status', 'utf8') })));",
)}`;

/** The process's own peak RSS in KiB. */
const peakRssKiB = (probe: Probe) => Number(/^VmHWM:\s+(\d+) kB$/m.exec(probe.status)?.[1] ?? NaN);

interface RunFigures {
  readonly name: string;
  readonly code: number | null;
  readonly wallS: number;
  readonly probe: Probe;
  readonly calls: number;
  /** Exports among the calls: each waits exportLatencyMs more. */
  readonly exports: number;
  readonly inFlight: { readonly requests: number; readonly connections: number };
  readonly brokerBytes: number;
  readonly emulatorCpuS: number;
  readonly emulatorBusyS: number;
  readonly sshdCpuS: number;
  readonly uploads: { files: number; bytes: number };
  /** Seconds from the first new file in the remote folder (a temporary name: the download has begun) to the export's final name, seen by polling. */
  readonly streamS: number;
  readonly writes: ReturnType<WriteWatch['stop']>;
  readonly ledgerBytes: number;
  readonly output: string;
}

/** CPU seconds of a process and its reaped children (sshd's sessions), from /proc. */
function cpuOfProcessTree(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0); // utime stime cutime cstime
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** name → size and inode of the files in the remote folder (read as root through the chroot). */
function remoteFiles(folder: string): Map<string, { size: number; ino: number }> {
  return new Map(readdirSync(folder).map((name) => {
    const s = statSync(join(folder, name));
    return [name, { size: s.size, ino: s.ino }];
  }));
}

/** Node flags for a V8 CPU profile of one CLI run, when --cpu-prof names a folder. */
function profileFlags(name: string): string[] {
  return profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${name}-${Date.now()}.cpuprofile`] : [];
}

/**
 * The streaming phase of a large upload (broker download → seal → SFTP), apart from the
 * emulator's zipping before it: polls the remote folder every 20 ms (the emulator zips
 * synchronously, so no poll runs before the export is ready).
 */
function watchStream(folder: string, before: Map<string, { ino: number }>): { stop(): number } {
  let first = 0n;
  let done = 0n;
  const timer = setInterval(() => {
    // Not the ledger copy, nor the empty file apply writes and removes to probe the folder first.
    const fresh = readdirSync(folder).filter((n) => n !== 'status.xml' && !n.startsWith('.status.xml.') && before.get(n)?.ino !== statSync(join(folder, n), { throwIfNoEntry: false })?.ino);
    const now = process.hrtime.bigint();
    if (fresh.length > 0 && first === 0n) first = now;
    if (done === 0n && fresh.some((n) => /^export_\d+\.zip(\.age|\.c4gh)?$/.test(n))) done = now;
  }, 20);
  return { stop: () => (clearInterval(timer), first && done ? Number(done - first) / 1e9 : NaN) };
}

async function runCli(name: string, dir: string, configFile: string, emulator: BrokerEmulator, sshdPid: number, remoteFolder: string): Promise<RunFigures> {
  const probeFile = join(dir, '.bench-probe.json');
  const before = { stats: emulator.stats(), cpu: process.cpuUsage(), sshd: cpuOfProcessTree(sshdPid), remote: remoteFiles(remoteFolder) };
  emulator.resetPeaks();
  const watch = watchWrites(dir, ['.bench-probe.json']);
  const start = process.hrtime.bigint();
  // Only a large bundle is timed apart: polling a folder of thousands of small exports every 20 ms
  // cost ~0.9 s of this process's CPU per 1,000-request run, taken from the tool and counted as the emulator's.
  const stream = size >= LARGE_RESULT ? watchStream(remoteFolder, before.remote) : { stop: () => NaN };
  const command = name === 'plan' ? ['plan'] : ['apply', '--auto-approve'];
  const child = spawn(process.execPath, [...nodeFlags, ...profileFlags(name), '--import', PROBE, CLI, ...command, '-c', configFile], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', NO_COLOR: '1', AKTIN_BENCH_PROBE: probeFile, ...brokerEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const wallS = Number(process.hrtime.bigint() - start) / 1e9;
  const streamS = stream.stop();
  // The child's sockets are closed: wait until the emulator has seen them close (bytes are counted then).
  await new Promise((resolve) => setTimeout(resolve, 50));
  const used = process.cpuUsage(before.cpu);
  const after = emulator.stats();
  const writes = watch.stop();
  const remote = remoteFiles(remoteFolder);
  const changed = [...remote].filter(([n, f]) => before.remote.get(n)?.ino !== f.ino);
  return {
    name,
    code,
    wallS,
    probe: JSON.parse(readFileSync(probeFile, 'utf8')) as Probe,
    calls: after.requests - before.stats.requests,
    exports: (after.calls.export ?? 0) - (before.stats.calls.export ?? 0),
    inFlight: { requests: emulator.inFlight().peakRequests, connections: emulator.inFlight().peakConnections },
    brokerBytes: after.bytesIn + after.bytesOut - before.stats.bytesIn - before.stats.bytesOut,
    emulatorCpuS: (used.user + used.system) / 1e6,
    emulatorBusyS: (after.busyMs - before.stats.busyMs) / 1e3,
    sshdCpuS: cpuOfProcessTree(sshdPid) - before.sshd,
    uploads: { files: changed.length, bytes: changed.reduce((sum, [, f]) => sum + f.size, 0) },
    streamS,
    writes,
    ledgerBytes: existsSync(join(dir, 'status.xml')) ? statSync(join(dir, 'status.xml')).size : 0, // none after a failed first run
    output,
  };
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const ioField = (io: string, field: string) => Number(new RegExp(`^${field}: (\\d+)`, 'm').exec(io)?.[1] ?? NaN);

function report(n: number, r: RunFigures): void {
  const cpu = (r.probe.userCPUTime + r.probe.systemCPUTime) / 1e6;
  const w = r.writes;
  console.log(
    [
      `${String(n).padStart(5)} ${r.name.padEnd(8)} exit ${r.code}`,
      `wall ${r.wallS.toFixed(2)} s`,
      `CPU ${cpu.toFixed(2)} s (user ${(r.probe.userCPUTime / 1e6).toFixed(2)}, sys ${(r.probe.systemCPUTime / 1e6).toFixed(2)}; ${((cpu / n) * 1e3).toFixed(3)} ms/request)`,
      `peak RSS ${(peakRssKiB(r.probe) / 1024).toFixed(0)} MiB`,
    ].join(', '),
  );
  console.log(
    `               broker: ${r.calls} calls, ${mib(r.brokerBytes)} MiB on the wire; emulator CPU ${r.emulatorCpuS.toFixed(2)} s, answering ${r.emulatorBusyS.toFixed(2)} s ` +
      `(tool CPU / emulator CPU ${(cpu / Math.max(r.emulatorCpuS, 1e-3)).toFixed(1)}×, wall / emulator CPU ${(r.wallS / Math.max(r.emulatorCpuS, 1e-3)).toFixed(1)}×)`,
  );
  // The original makes one call at a time: it cannot finish before every call's round trip has passed.
  const serialS = (r.calls * latency.latencyMs + r.exports * latency.exportLatencyMs) / 1e3;
  console.log(
    `               distance: ${latency.latencyMs} ms per call${latency.exportLatencyMs ? ` (+${latency.exportLatencyMs} ms per export)` : ''}${latency.jitterMs ? ` ± ${latency.jitterMs} ms` : ''}; ` +
      `serial lower bound calls × RTT ${serialS.toFixed(2)} s${serialS > 0 ? ` (${(serialS / r.wallS).toFixed(1)}× our wall)` : ''}; ` +
      `peak in flight at the broker: ${r.inFlight.requests} requests, ${r.inFlight.connections} connections`,
  );
  console.log(`               sftp: ${r.uploads.files} files (${mib(r.uploads.bytes)} MiB) new or replaced; sshd CPU ${r.sshdCpuS.toFixed(2)} s`);
  console.log(
    `               working dir: ${w.files} files written (${w.renames} renamed into place), ${mib(w.bytes)} MiB ` +
      `(${Object.entries(w.byName).map(([name, v]) => `${name} ${v.files}× ${mib(v.bytes)} MiB`).join(', ') || 'nothing'}); ` +
      `final status.xml ${mib(r.ledgerBytes)} MiB; kernel write_bytes ${mib(ioField(r.probe.io, 'write_bytes'))} MiB`,
  );
}

/** The [SECURITY] lines of --scheme: a recipient made for this run (its secret half is not kept), or undefined for Fernet. */
function securityToml(dir: string): string | undefined {
  if (scheme === 'age') return `ENCRYPTION = "age"\nRECIPIENTS = ["${formatAgeRecipient(generateAgeIdentity().publicKey)}"]`;
  if (scheme !== 'crypt4gh') return undefined;
  const publicKeyFile = join(dir, 'bench.c4gh.pub');
  writeFileSync(publicKeyFile, formatCrypt4ghPublicKey(generateCrypt4ghSecretKey().publicKey));
  return `ENCRYPTION = "crypt4gh"\nRECIPIENT_KEYS = ["${publicKeyFile}"]`;
}

/** Throughput of a first sync of large results: its uploaded (sealed) bytes over wall and CPU time. */
function reportThroughput(r: RunFigures): void {
  const cpu = (r.probe.userCPUTime + r.probe.systemCPUTime) / 1e6;
  const uploaded = r.uploads.bytes / 1024 / 1024;
  // The emulator zips the bundle when asked to export (fflate, in this process, most of the wall): that is not the tool's time.
  console.log(
    `               ${scheme}: ${mib(r.uploads.bytes)} MiB uploaded: ${(uploaded / r.wallS).toFixed(1)} MiB/s over wall, ` +
      `${(uploaded / r.streamS).toFixed(1)} MiB/s over the streaming phase (${r.streamS.toFixed(2)} s: first remote file to the export's final name), ${(uploaded / cpu).toFixed(1)} MiB/s over the tool's CPU`,
  );
}

/** Start-up cost: a command that needs no network, five times; wall and CPU, best and median. */
async function startup(dir: string, configFile: string, n: number): Promise<void> {
  for (const command of [['--version'], ['validate', '-c', configFile]]) {
    const probeFile = join(dir, '.bench-probe.json');
    const wall: number[] = [];
    const cpu: number[] = [];
    let rss = 0;
    for (let i = 0; i < 5; i++) {
      const start = process.hrtime.bigint();
      const child = spawn(process.execPath, [...nodeFlags, ...profileFlags(`startup-${command[0]!.replace(/^-+/, '')}`), '--import', PROBE, CLI, ...command], { cwd: dir, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', AKTIN_BENCH_PROBE: probeFile }, stdio: 'ignore' });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      wall.push(Number(process.hrtime.bigint() - start) / 1e9);
      const probe = JSON.parse(readFileSync(probeFile, 'utf8')) as Probe;
      cpu.push((probe.userCPUTime + probe.systemCPUTime) / 1e6);
      rss = Math.max(rss, peakRssKiB(probe));
      if (code !== 0) throw new Error(`${command.join(' ')} exited ${code}`);
    }
    const stats = (v: number[]) => {
      const sorted = [...v].sort((a, b) => a - b);
      return `best ${sorted[0]!.toFixed(3)} s, median ${sorted[2]!.toFixed(3)} s`;
    };
    console.log(`${String(n).padStart(5)} start-up ${command[0]!.padEnd(9)} wall ${stats(wall)}; CPU ${stats(cpu)}; peak RSS ${(rss / 1024).toFixed(0)} MiB`);
  }
}

/** --hold: the state of the last N stays up until SIGINT or SIGTERM, for runs by hand. */
async function holdUntilInterrupted(dir: string, configFile: string): Promise<void> {
  console.log(`holding until Ctrl-C: cd ${dir} && ${brokerTimeout.AKTIN_SFTP_BROKER_TIMEOUT ? `AKTIN_SFTP_BROKER_TIMEOUT=${brokerTimeout.AKTIN_SFTP_BROKER_TIMEOUT} ` : ''}node ${CLI} plan -c ${configFile}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

const sshd = await startBenchSshd();
const sshdEnv = sshd.env;
let failed = false;
try {
  const target = sshdTarget();
  const remoteFolder = join(sshdEnv.SFTP_IT_CHROOT!, 'upload', target.folder);
  console.log(`results of ${size} bytes sealed with ${scheme}, ${nodesPerRequest} node(s) per request; [APPLY] CONCURRENCY ${concurrency || 'default'}, [BROKER] CONCURRENCY ${brokerConcurrency || 'default'}; ${latency.latencyMs} ms per call (+${latency.exportLatencyMs} per export, ± ${latency.jitterMs}); sshd on port ${target.port}; ${new Date().toISOString()}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const n of sizes) {
    for (const name of readdirSync(remoteFolder)) rmSync(join(remoteFolder, name), { recursive: true, force: true });
    const { seed, tagged } = seedFor(n);
    const emulator = await startBrokerEmulator({ port: 0, seed, latency });
    const dir = mkdtempSync(join(tmpdir(), 'aktin-sftp-bench-'));
    try {
      const extraToml = (concurrency ? `\n[APPLY]\nCONCURRENCY = ${Number(concurrency)}\n` : '');
      const { configFile } = createDeployment({ brokerUrl: emulator.url, tag: TAG, sftp: target, dir, extraToml, security: securityToml(dir) });
      for (const run of runs) {
        if (run === 'startup') {
          await startup(dir, configFile, n);
          continue;
        }
        if (run === 'changed') {
          // 1% of the requests: the second node (or the first, re-submitting) completes with a result.
          const driver = new BrokerDriver(emulator.url);
          const node = driver.node(NODE_KEYS[nodesPerRequest > 1 ? 1 : 0]!);
          const step = 100;
          for (let i = 0; i < tagged.length; i += step) {
            await node.putResult(String(tagged[i]), resultText(i + 7, size), 'text/csv');
            await node.postStatus(String(tagged[i]), 'completed', { date: new Date('2024-06-01T10:00:00Z') });
          }
        }
        const figures = await runCli(run, dir, configFile, emulator, Number(sshdEnv.SFTP_IT_SSHD_PID), remoteFolder);
        report(n, figures);
        if (run === 'first' && size >= LARGE_RESULT) reportThroughput(figures);
        if (figures.code !== 0) {
          failed = true;
          console.log(figures.output.split('\n').slice(-30).join('\n'));
        }
        if (run === 'first' && figures.uploads.files < n) {
          failed = true;
          console.log(`               the first sync uploaded ${figures.uploads.files} files for ${n} requests`);
        }
      }
      if (hold && n === sizes.at(-1)) await holdUntilInterrupted(dir, configFile);
    } finally {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  await sshd.stop();
}
if (failed) process.exitCode = 1;

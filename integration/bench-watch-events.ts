/**
 * Benchmark of `aktin-sftp watch` end to end (issue 12): the built CLI as a child process, the
 * broker emulator in this process seeded with REQUESTS tagged requests, the real test sshd. After
 * watch's start cycle has uploaded them all, a second node reports a result and `completed` for
 * BURST requests spread over the range, over the REST API, as fast as it can; per request it
 * prints the time from the end of its status call to the moment its export file on the server
 * was replaced (the file's mtime, written by sshd when the upload's rename landed): event to
 * upload, debounce included. Also how many cycles the burst became and the broker calls watch
 * made meanwhile, to show they are about the burst's requests only.
 *   node --import tsx integration/bench-watch-events.ts [REQUESTS=5000] [BURST=100] [DEBOUNCE_S=2]
 * Needs root (the sshd) and a build (`npm run build`). Not a test: it asserts only that every
 * request of the burst arrives.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BrokerDriver } from './broker-driver.js';
import { startBrokerEmulator, type SeedRequest } from './broker-emulator/index.js';
import { startBenchSshd } from './support/bench-sshd.js';
import { startCli } from './support/cli-process.js';
import { createDeployment, sshdTarget } from './support/e2e-world.js';
import { eventually } from './support/eventually.js';
import { tempDir } from '../test/support/temp-dir.js';

const requests = Number(process.argv[2] ?? 5000);
const burst = Number(process.argv[3] ?? 100);
const debounceS = Number(process.argv[4] ?? 2);
if (![requests, burst, debounceS].every((n) => Number.isInteger(n) && n > 0) || burst > requests) {
  console.error('usage: bench-watch-events.ts [REQUESTS=5000] [BURST=100] [DEBOUNCE_S=2] (positive integers, BURST ≤ REQUESTS)');
  process.exit(64);
}

const sshd = await startBenchSshd();
const seed: SeedRequest[] = Array.from({ length: requests }, (_, i) => ({
  tags: ['rki'],
  nodes: [{ key: 'xxxApiKey123', result: `r;${i}\n`, status: 'completed', date: '2024-05-01T10:00:00Z' }],
}));
const emulator = await startBrokerEmulator({ port: 0, seed: { requests: seed } });
const target = sshdTarget({ own: 'bench-watch-events' });
const remote = join(sshd.env.SFTP_IT_CHROOT!, 'upload', target.folder);
const dir = tempDir('bench-watch-events');
const deployment = createDeployment({ brokerUrl: emulator.url, tag: 'rki', sftp: target, dir, extraToml: `[WATCH]\nDEBOUNCE = ${debounceS}\nRESYNC = 86400\n` });
const run = startCli(['watch', '-c', deployment.configFile], { cwd: deployment.dir });
const cycles = () => run.stderrSoFar().split('\n').filter((l) => / cycle for /.test(l));
try {
  const startedAt = performance.now();
  const start = await eventually('the start cycle', () => cycles().find((l) => / start cycle for all requests: /.test(l)), 30 * 60_000);
  const startCycleS = (performance.now() - startedAt) / 1000;
  await eventually('the websocket', () => (emulator.websocket.stats().open === 1 ? true : undefined));
  const ids = Array.from({ length: burst }, (_, i) => String(Math.floor((i * requests) / burst)));
  const fileOf = (id: string) => join(remote, `export_${id}.zip`);
  const cyclesBefore = cycles().length;
  const mark = emulator.stats().requests;
  const hospital = new BrokerDriver(emulator.url).node('xxxApiKey567');
  const posted = new Map<string, number>();
  const burstFrom = performance.now();
  for (const id of ids) {
    await hospital.putResult(id, `r;second;${id}\n`, 'text/csv');
    await hospital.postStatus(id, 'completed');
    posted.set(id, Date.now());
  }
  const burstMs = performance.now() - burstFrom;
  const latencies = new Map<string, number>();
  await eventually('every upload of the burst', () => {
    for (const id of ids) {
      if (latencies.has(id)) continue;
      const mtime = statSync(fileOf(id), { throwIfNoEntry: false })?.mtimeMs;
      if (mtime !== undefined && mtime >= posted.get(id)!) latencies.set(id, mtime - posted.get(id)!);
    }
    return latencies.size === ids.length ? true : undefined;
  }, 10 * 60_000);
  await new Promise((resolve) => setTimeout(resolve, 2 * debounceS * 1000)); // let the last cycle's line arrive
  const sorted = [...latencies.values()].sort((a, b) => a - b);
  const calls = emulator.callsSince(mark).filter((c) => c.route !== 'node-result' && c.route !== 'node-status');
  const counts = new Map<string, number>();
  for (const c of calls) counts.set(c.route, (counts.get(c.route) ?? 0) + 1);
  const byRoute = [...counts].map(([route, n]) => `${n} ${route}`).join(', ');
  console.log(`${requests} tagged requests; watch's start cycle ${startCycleS.toFixed(1)} s: ${start.replace(/^.*?: /, '')}`);
  console.log(
    `burst: ${burst} requests, a result and a completed status each, posted in ${(burstMs / 1000).toFixed(1)} s; debounce ${debounceS} s; ` +
      `event to upload median ${(sorted[Math.floor(sorted.length / 2)]! / 1000).toFixed(1)} s, max ${(sorted.at(-1)! / 1000).toFixed(1)} s; ` +
      `${cycles().length - cyclesBefore} cycle(s); broker calls by watch meanwhile: ${byRoute}`,
  );
} finally {
  run.child.kill('SIGTERM');
  const done = await run.done;
  if (done.code !== 0) {
    console.error(done.stderr.split('\n').slice(-20).join('\n'));
    process.exitCode = 1;
  }
  await emulator.close();
  await sshd.stop();
}

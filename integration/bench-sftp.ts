/**
 * Benchmark (a script, not a test): one large token uploaded through RemoteFolder.write to a real
 * OpenSSH sshd on 127.0.0.1, beside OpenSSH's own `sftp` client putting the same file to the same
 * server, several passes each, alternating. Prints MiB/s, aktin-sftp's share of `sftp`, and the
 * peak RSS growth during our uploads (memory must stay flat: it is bounded by the write pipeline,
 * not by the file). Starts its own sshd (integration/sshd/start.sh, needs root) and always stops it.
 *   node --import tsx integration/bench-sftp.ts [MiB=341] [passes=3] [pieceBytes] [inFlight]
 * pieceBytes and inFlight override the adapter's write pipeline, for tuning.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { openRemoteFolder } from '../src/adapters/sftp/ssh2.js';
import { sftpConfigOf, fingerprintOfPublicKey } from './support/e2e-world.js';

const MIB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 341);
const passes = Number(process.argv[3] ?? 3);
const override = {
  ...(process.argv[4] ? { pieceSize: Number(process.argv[4]) } : {}),
  ...(process.argv[5] ? { inFlight: Number(process.argv[5]) } : {}),
};
const here = fileURLToPath(new URL('.', import.meta.url));

function startSshd(): Record<string, string> {
  const started = spawnSync('bash', [join(here, 'sshd/start.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (started.status !== 0) throw new Error('integration/sshd/start.sh failed (it needs root)');
  return Object.fromEntries(started.stdout.trim().split('\n').map((line) => line.split('=', 2) as [string, string]));
}

async function writeToken(path: string, bytes: number): Promise<void> {
  // Base64url text like a Fernet token; random, so nothing on the way can compress it.
  const block = Buffer.from(randomBytes(3 * MIB).toString('base64url'));
  const out = createWriteStream(path);
  for (let left = bytes; left > 0; left -= block.length) {
    if (!out.write(left >= block.length ? block : block.subarray(0, left))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function sftpClient(env: Record<string, string>, file: string, remoteName: string, work: string): Promise<void> {
  const knownHosts = join(work, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${env.SFTP_IT_PORT} ${readFileSync(env.SFTP_IT_HOSTKEY_PUB!, 'utf8')}`);
  const batch = join(work, 'batch');
  writeFileSync(batch, `put ${file} ${env.SFTP_IT_FOLDER}/${remoteName}\n`);
  const args = ['-q', '-b', batch, '-P', env.SFTP_IT_PORT!, '-i', env.SFTP_IT_CLIENT_KEY!, '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `${env.SFTP_IT_USER}@127.0.0.1`];
  return new Promise((resolve, reject) => {
    const child = spawn('sftp', args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`sftp exited with ${code}`))));
  });
}

const time = async (run: () => Promise<unknown>) => {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e9;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const env = startSshd();
  const work = mkdtempSync(join(tmpdir(), 'aktin-bench-sftp-'));
  try {
    const file = join(work, 'token');
    const bytes = sizeMiB * MIB;
    await writeToken(file, bytes);
    const target = {
      host: '127.0.0.1',
      port: Number(env.SFTP_IT_PORT),
      username: env.SFTP_IT_USER!,
      password: env.SFTP_IT_PASS!,
      folder: env.SFTP_IT_FOLDER!,
      hostKeyFingerprint: fingerprintOfPublicKey(readFileSync(env.SFTP_IT_HOSTKEY_PUB!, 'utf8')),
    };
    const folder = await openRemoteFolder(sftpConfigOf(target), { writePipeline: override });
    const ours: number[] = [];
    const theirs: number[] = [];
    let peakGrowth = 0;
    try {
      for (let pass = 1; pass <= passes; pass++) {
        global.gc?.();
        const before = process.memoryUsage().rss;
        let peak = before;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
        const seconds = await time(async () => {
          const written = await folder.write('bench-aktin.token', createReadStream(file, { highWaterMark: 64 * 1024 }));
          if (written !== bytes) throw new Error(`wrote ${written} of ${bytes} bytes`);
        });
        clearInterval(sampler);
        peakGrowth = Math.max(peakGrowth, peak - before);
        ours.push(sizeMiB / seconds);
        await folder.remove('bench-aktin.token');

        theirs.push(sizeMiB / (await time(() => sftpClient(env, file, 'bench-openssh.token', work))));
        await folder.remove('bench-openssh.token');
        console.log(`pass ${pass}: aktin-sftp ${ours.at(-1)!.toFixed(0)} MiB/s, OpenSSH sftp ${theirs.at(-1)!.toFixed(0)} MiB/s`);
      }
    } finally {
      await folder.close();
    }
    const [a, o] = [median(ours), median(theirs)];
    const pipeline = Object.keys(override).length ? ` (override ${JSON.stringify(override)})` : '';
    console.log(`\n${sizeMiB} MiB token to OpenSSH on 127.0.0.1, median of ${passes}${pipeline}:`);
    console.log(`  aktin-sftp RemoteFolder.write  ${a.toFixed(0)} MiB/s (incl. fsync)`);
    console.log(`  OpenSSH sftp put              ${o.toFixed(0)} MiB/s`);
    console.log(`  ratio                         ${((100 * a) / o).toFixed(0)}% of sftp`);
    console.log(`  peak RSS growth during upload ${(peakGrowth / MIB).toFixed(1)} MiB (RSS at end ${(process.memoryUsage().rss / MIB).toFixed(0)} MiB)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    spawnSync('bash', [join(here, 'sshd/stop.sh'), env.SFTP_IT_STATE!], { stdio: 'inherit' });
  }
}

await main();

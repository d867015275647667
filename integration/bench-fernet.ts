/**
 * Benchmark: throughput of the streaming Fernet encoder against raw node:crypto
 * AES-128-CBC + HMAC-SHA256 over the same data, and peak memory while encrypting 1 GiB
 * streamed from a generator (nothing holds the whole input). Then the two-pass file
 * decryption of a token file on disk: throughput and peak memory. The two encoders run in
 * alternation for several rounds and the best round of each counts, wall and CPU time both, so
 * other load on the machine skews the ratio less.
 *   node --import tsx integration/bench-fernet.ts [MiB to encrypt] [MiB to decrypt] [rounds]
 */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { generateFernetKey, parseFernetKey } from '../src/adapters/encryption/fernet/fernet.js';
import { decryptFile } from '../src/adapters/encryption/fernet/decrypt-file.js';
import { createFernetEncryptStream } from '../src/adapters/encryption/fernet/stream.js';
import { fernetTokenSize } from '../src/adapters/encryption/fernet/size.js';

const MIB = 1024 * 1024;
const total = Number(process.argv[2] ?? 1024) * MIB;
const decryptTotal = Number(process.argv[3] ?? 256) * MIB;
const rounds = Number(process.argv[4] ?? 3);
const block = randomBytes(256 * 1024);

function source(bytes: number): Readable {
  let left = bytes;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const chunk = left >= block.length ? block : block.subarray(0, left);
      left -= chunk.length;
      this.push(chunk);
    },
  });
}

let peakRss = 0;
let writes = 0;

function sink(onBytes: (n: number) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      onBytes(chunk.length);
      // Streams run on nextTick and starve timers, so memory is sampled here.
      if (writes++ % 64 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
      callback();
    },
  });
}


interface Timing {
  seconds: number;
  cpu: number;
}

async function timed(run: () => Promise<void>): Promise<Timing> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await run();
  const used = process.cpuUsage(cpu);
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, cpu: (used.user + used.system) / 1e6 };
}

let out = 0;

function fernetStream(): Promise<Timing> {
  out = 0;
  return timed(() => pipeline(source(total), createFernetEncryptStream(parseFernetKey(generateFernetKey())), sink((n) => (out += n))));
}

function rawCrypto(): Promise<Timing> {
  return timed(async () => {
    const cipher = createCipheriv('aes-128-cbc', randomBytes(16), randomBytes(16));
    const hmac = createHmac('sha256', randomBytes(16));
    for await (const chunk of source(total)) hmac.update(cipher.update(chunk as Buffer));
    hmac.update(cipher.final());
    hmac.digest();
  });
}

/** Encrypts a token file to disk, then times decryptFile on it, sampling RSS from a timer. */
async function fileDecryption(): Promise<{ seconds: number; tokenBytes: number; plainBytes: number; peak: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-fernet-'));
  try {
    const key = parseFernetKey(generateFernetKey());
    await pipeline(source(decryptTotal), createFernetEncryptStream(key), createWriteStream(join(dir, 'token')));
    let peak = process.memoryUsage().rss;
    // File reads and writes are awaited, so a timer gets its turn here.
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const start = process.hrtime.bigint();
    const { bytes } = await decryptFile(key, join(dir, 'token'), join(dir, 'plain'));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    clearInterval(sampler);
    return { seconds, tokenBytes: (await stat(join(dir, 'token'))).size, plainBytes: bytes, peak };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const rate = (seconds: number, bytes = total) => (bytes / MIB / seconds).toFixed(0);
const baseRss = process.memoryUsage().rss;
const fernets: Timing[] = [];
const raws: Timing[] = [];
for (let round = 1; round <= rounds; round++) {
  fernets.push(await fernetStream());
  raws.push(await rawCrypto());
  const [f, r] = [fernets.at(-1)!, raws.at(-1)!];
  console.log(`round ${round}: fernet ${rate(f.seconds)} MiB/s (CPU ${rate(f.cpu)}), raw ${rate(r.seconds)} MiB/s (CPU ${rate(r.cpu)}), ${((r.seconds / f.seconds) * 100).toFixed(0)} %`);
}
const decryption = await fileDecryption();

const best = (timings: Timing[], of: 'seconds' | 'cpu') => Math.min(...timings.map((t) => t[of]));
const [fernet, raw, fernetCpu, rawCpu] = [best(fernets, 'seconds'), best(raws, 'seconds'), best(fernets, 'cpu'), best(raws, 'cpu')];
console.log(`input                 ${(total / MIB).toFixed(0)} MiB (streamed from a generator), best of ${rounds} rounds`);
console.log(`token                 ${out} bytes (expected ${fernetTokenSize(total)})`);
console.log(`fernet stream         ${fernet.toFixed(2)} s, ${rate(fernet)} MiB/s; CPU ${fernetCpu.toFixed(2)} s, ${rate(fernetCpu)} MiB/s`);
console.log(`raw AES-CBC + HMAC    ${raw.toFixed(2)} s, ${rate(raw)} MiB/s; CPU ${rawCpu.toFixed(2)} s, ${rate(rawCpu)} MiB/s`);
console.log(`fernet / raw          ${((raw / fernet) * 100).toFixed(0)} % of the raw speed (wall), ${((rawCpu / fernetCpu) * 100).toFixed(0)} % (CPU)`);
console.log(`RSS at start          ${(baseRss / MIB).toFixed(0)} MiB`);
console.log(`peak RSS              ${(peakRss / MIB).toFixed(0)} MiB`);
console.log(`decryptFile           ${(decryptTotal / MIB).toFixed(0)} MiB from a ${(decryption.tokenBytes / MIB).toFixed(0)} MiB token file: ${decryption.seconds.toFixed(2)} s, ` +
  `${rate(decryption.seconds, decryptTotal)} MiB/s of plaintext (two passes, fsync, rename)`);
console.log(`decryptFile peak RSS  ${(decryption.peak / MIB).toFixed(0)} MiB`);
if (out !== fernetTokenSize(total) || decryption.plainBytes !== decryptTotal) process.exitCode = 1;

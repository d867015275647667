/**
 * Benchmark: throughput of the streaming Fernet encoder against raw node:crypto
 * AES-128-CBC + HMAC-SHA256 over the same data, and peak memory while encrypting 1 GiB
 * streamed from a generator (nothing holds the whole input). Then the two-pass file
 * decryption of a token file on disk: throughput and peak memory.
 *   node --import tsx integration/bench-fernet.ts [MiB to encrypt] [MiB to decrypt]
 */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { generateFernetKey, parseFernetKey } from '../src/adapters/fernet.js';
import { decryptFile } from '../src/adapters/fernet-decrypt-file.js';
import { createFernetEncryptStream } from '../src/adapters/fernet-stream.js';
import { fernetTokenSize } from '../src/core/fernet-size.js';

const MIB = 1024 * 1024;
const total = Number(process.argv[2] ?? 1024) * MIB;
const decryptTotal = Number(process.argv[3] ?? 256) * MIB;
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


async function fernetStream(): Promise<{ seconds: number; out: number }> {
  let out = 0;
  const start = process.hrtime.bigint();
  await pipeline(source(total), createFernetEncryptStream(parseFernetKey(generateFernetKey())), sink((n) => (out += n)));
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, out };
}

async function rawCrypto(): Promise<number> {
  const cipher = createCipheriv('aes-128-cbc', randomBytes(16), randomBytes(16));
  const hmac = createHmac('sha256', randomBytes(16));
  const start = process.hrtime.bigint();
  for await (const chunk of source(total)) hmac.update(cipher.update(chunk as Buffer));
  hmac.update(cipher.final());
  hmac.digest();
  return Number(process.hrtime.bigint() - start) / 1e9;
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

const baseRss = process.memoryUsage().rss;
const fernet = await fernetStream();
const raw = await rawCrypto();
const decryption = await fileDecryption();

const rate = (seconds: number, bytes = total) => (bytes / MIB / seconds).toFixed(0);
console.log(`input                 ${(total / MIB).toFixed(0)} MiB (streamed from a generator)`);
console.log(`token                 ${fernet.out} bytes (expected ${fernetTokenSize(total)})`);
console.log(`fernet stream         ${fernet.seconds.toFixed(2)} s, ${rate(fernet.seconds)} MiB/s`);
console.log(`raw AES-CBC + HMAC    ${raw.toFixed(2)} s, ${rate(raw)} MiB/s`);
console.log(`overhead              ${((fernet.seconds / raw - 1) * 100).toFixed(0)} % (base64 encoding and stream plumbing)`);
console.log(`RSS at start          ${(baseRss / MIB).toFixed(0)} MiB`);
console.log(`peak RSS              ${(peakRss / MIB).toFixed(0)} MiB`);
console.log(`decryptFile           ${(decryptTotal / MIB).toFixed(0)} MiB from a ${(decryption.tokenBytes / MIB).toFixed(0)} MiB token file: ${decryption.seconds.toFixed(2)} s, ` +
  `${rate(decryption.seconds, decryptTotal)} MiB/s of plaintext (two passes, fsync, rename)`);
console.log(`decryptFile peak RSS  ${(decryption.peak / MIB).toFixed(0)} MiB`);
if (fernet.out !== fernetTokenSize(total) || decryption.plainBytes !== decryptTotal) process.exitCode = 1;

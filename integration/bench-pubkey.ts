/**
 * Benchmark: throughput of the public-key codecs (age, Crypt4GH) beside the Fernet stream on
 * the same data. Sealing runs from a generator into a counting sink; opening reads a sealed
 * file from disk through the open stream into a counting sink (the caller's temp file and
 * rename are not timed). Fernet's figure for opening is decryptFile, two passes with fsync, as
 * `decrypt` runs it. Each scheme runs several rounds in alternation; the best round counts.
 * Peak RSS is sampled in the sink (the open of Fernet has no sink: its figure is the seal's).
 *   node --import tsx integration/bench-pubkey.ts [MiB] [rounds]
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ageSealedSize, createAgeOpenStream, createAgeSealStream, generateAgeIdentity } from '../src/adapters/encryption/age/index.js';
import { createCrypt4ghOpenStream, createCrypt4ghSealStream, crypt4ghSealedSize, generateCrypt4ghSecretKey } from '../src/adapters/encryption/crypt4gh/index.js';
import { generateFernetKey, parseFernetKey } from '../src/adapters/encryption/fernet/fernet.js';
import { decryptFile } from '../src/adapters/encryption/fernet/decrypt-file.js';
import { createFernetEncryptStream } from '../src/adapters/encryption/fernet/stream.js';
import { fernetTokenSize } from '../src/core/fernet-size.js';

const MIB = 1024 * 1024;
const total = Number(process.argv[2] ?? 256) * MIB;
const rounds = Number(process.argv[3] ?? 3);
const block = randomBytes(256 * 1024);
let peakRss = 0;
let writes = 0;

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

function sink(count: { bytes: number }): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      count.bytes += chunk.length;
      if (writes++ % 64 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
      callback();
    },
  });
}

async function seconds(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

interface Scheme {
  name: string;
  seal: () => Transform;
  size: number;
  open: (file: string, dir: string) => Promise<number>;
}

const ageIdentity = generateAgeIdentity();
const c4ghKey = generateCrypt4ghSecretKey();
const fernetKey = parseFernetKey(generateFernetKey());
const through = async (file: string, open: Transform): Promise<number> => {
  const count = { bytes: 0 };
  await pipeline(createReadStream(file, { highWaterMark: 256 * 1024 }), open, sink(count));
  return count.bytes;
};
const schemes: Scheme[] = [
  { name: 'fernet', seal: () => createFernetEncryptStream(fernetKey), size: fernetTokenSize(total), open: async (file, dir) => (await decryptFile(fernetKey, file, join(dir, 'plain'))).bytes },
  { name: 'age', seal: () => createAgeSealStream([ageIdentity.publicKey]), size: ageSealedSize(total, 1), open: (file) => through(file, createAgeOpenStream([ageIdentity])) },
  { name: 'crypt4gh', seal: () => createCrypt4ghSealStream([c4ghKey.publicKey]), size: crypt4ghSealedSize(total, 1), open: (file) => through(file, createCrypt4ghOpenStream(c4ghKey)) },
];

/** The ceiling: ChaCha20-Poly1305 over the same data in 64 KiB messages, no stream around it. */
async function rawChaCha(): Promise<number> {
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  return seconds(async () => {
    for await (const chunk of source(total)) {
      for (let at = 0; at < (chunk as Buffer).length; at += 65_536) {
        const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
        cipher.update((chunk as Buffer).subarray(at, at + 65_536));
        cipher.final();
        cipher.getAuthTag();
      }
    }
  });
}

const dir = await mkdtemp(join(tmpdir(), 'bench-pubkey-'));
const best = new Map<string, { seal: number; open: number; peak: number }>();
const baseRss = process.memoryUsage().rss;
let failed = false;
let raw = Infinity;
try {
  for (let round = 1; round <= rounds; round++) {
    raw = Math.min(raw, await rawChaCha());
    for (const scheme of schemes) {
      peakRss = process.memoryUsage().rss;
      const count = { bytes: 0 };
      const seal = await seconds(() => pipeline(source(total), scheme.seal(), sink(count)));
      const file = join(dir, `${scheme.name}.sealed`);
      await pipeline(source(total), scheme.seal(), createWriteStream(file));
      let opened = 0;
      const open = await seconds(async () => (opened = await scheme.open(file, dir)));
      await rm(join(dir, 'plain'), { force: true });
      if (count.bytes !== scheme.size || opened !== total) failed = true;
      const was = best.get(scheme.name) ?? { seal: Infinity, open: Infinity, peak: 0 };
      best.set(scheme.name, { seal: Math.min(was.seal, seal), open: Math.min(was.open, open), peak: Math.max(was.peak, peakRss) });
      console.log(`round ${round}: ${scheme.name.padEnd(8)} seal ${(total / MIB / seal).toFixed(0)} MiB/s, open ${(total / MIB / open).toFixed(0)} MiB/s`);
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
const fernet = best.get('fernet')!;
console.log(`input ${(total / MIB).toFixed(0)} MiB, best of ${rounds} rounds (MiB/s of plaintext)`);
for (const [name, { seal, open, peak }] of best) {
  console.log(`${name.padEnd(8)} seal ${(total / MIB / seal).toFixed(0).padStart(5)} (${((fernet.seal / seal) * 100).toFixed(0)} % of fernet)   open ${(total / MIB / open).toFixed(0).padStart(5)}${name === 'fernet' ? ' (decryptFile: two passes, fsync)' : ''}   peak RSS ${(peak / MIB).toFixed(0)} MiB`);
}
console.log(`raw ChaCha20-Poly1305 in 64 KiB messages ${(total / MIB / raw).toFixed(0)} MiB/s`);
console.log(`RSS at start ${(baseRss / MIB).toFixed(0)} MiB`);
if (failed) {
  console.log('a size law or a round trip did not hold');
  process.exitCode = 1;
}

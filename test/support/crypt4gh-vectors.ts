/**
 * Test helper: the GA4GH reference's Crypt4GH vectors in test/fixtures/crypt4gh (see its
 * README). Plaintexts `pN.bin` are regenerated (byte i = i % 251) instead of stored; the
 * manifest's sha256 checks the regeneration.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Transform } from 'node:stream';

export const VECTORS = join(import.meta.dirname, '../fixtures/crypt4gh');

export interface Expectation {
  sk: string;
  passphrase?: string;
  sender_pk?: string;
  outcome: 'decrypts' | 'refused';
  plaintext?: string;
  plaintext_sha256?: string;
  reason?: string;
  exit: number;
}

export interface VectorFile {
  file: string;
  role: string;
  size: number;
  plaintext_size: number;
  recipients: string[];
  expect: Expectation[];
}

export function loadManifest(): { files: VectorFile[] } {
  return JSON.parse(readFileSync(join(VECTORS, 'manifest.json'), 'utf8')) as { files: VectorFile[] };
}

export function readVector(path: string): Buffer {
  const sized = /^plain\/p(\d+)\.bin$/.exec(path);
  return sized ? patterned(Number(sized[1])) : readFileSync(join(VECTORS, path));
}

export function readVectorText(path: string): string {
  return readFileSync(join(VECTORS, path), 'utf8');
}

export function patterned(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = i % 251;
  return bytes;
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Runs `bytes` through a transform in chunks of `chunk` bytes and collects the output. */
export async function through(transform: Transform, bytes: Buffer, chunk = 65_536): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunk) parts.push(bytes.subarray(at, at + chunk));
  const out: Buffer[] = [];
  await pipeline(Readable.from(parts), transform, async (source: AsyncIterable<Buffer>) => {
    for await (const part of source) out.push(part);
  });
  return Buffer.concat(out);
}


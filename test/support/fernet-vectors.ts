/**
 * The official Fernet spec vectors (fernet/spec), vendored in test/fixtures/fernet/ so that a
 * fresh clone tests with nothing beside it (see the README there for their origin).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const VECTORS_DIR = resolve(import.meta.dirname, '..', 'fixtures', 'fernet');

export interface FernetVector {
  readonly token: string;
  readonly secret: string;
  /** Seconds since the epoch, from the vector's ISO time. */
  readonly now: number;
  readonly src?: string;
  readonly iv?: Buffer;
  readonly ttl?: number;
  readonly desc?: string;
}

export function loadVectors(name: 'generate' | 'verify' | 'invalid'): FernetVector[] {
  const path = join(VECTORS_DIR, `${name}.json`);
  let raw: Record<string, unknown>[];
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>[];
  } catch (error) {
    throw new Error(`Fernet spec vectors not readable at ${path}: test/fixtures/fernet/ is part of the repository`, { cause: error });
  }
  if (raw.length === 0) throw new Error(`${path} holds no vectors`);
  return raw.map((v) => ({
    token: String(v.token),
    secret: String(v.secret),
    now: Math.floor(Date.parse(String(v.now)) / 1000),
    ...(v.src === undefined ? {} : { src: String(v.src) }),
    ...(v.iv === undefined ? {} : { iv: Buffer.from(v.iv as number[]) }),
    ...(v.ttl_sec === undefined ? {} : { ttl: Number(v.ttl_sec) }),
    ...(v.desc === undefined ? {} : { desc: String(v.desc) }),
  }));
}

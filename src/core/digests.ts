/**
 * Fingerprints of a plan's inputs, so that apply can tell whether the world moved since the
 * plan was made. Canonical text in, sha256 hex out; deterministic and order-independent.
 */
import { createHash, hash } from 'node:crypto';
import type { BrokerSnapshot, RemoteListing } from './model.js';
import type { PlanInputs } from './plan.js';
import type { Ledger } from './model.js';

export function sha256(text: string | Buffer): string {
  // One-shot for what fits comfortably in one call; the streaming form for large inputs.
  return text.length <= 1 << 20 ? hash('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex');
}

const LINES_PER_UPDATE = 2048;

/**
 * sha256 of `[...head, ...sorted lines of items, ...tail].join('\n')`, where each item's line is
 * its key, a tab and more. Hashed a slice of lines at a time, and the items are sorted by key, not
 * as lines: at 100,000 requests the lines of both digests and their copies came to ~65 MB at the
 * end of a run, the peak of a 100,000-request `plan`. Sorted by `key + tab`, lines order alike
 * unless one such prefix begins the other (or they are equal): only then are the lines compared.
 */
function sha256OfLines<T>(head: readonly string[], items: readonly T[], key: (item: T) => string, line: (item: T) => string, tail: readonly string[]): string {
  const sorted = [...items].sort((a, b) => {
    const [pa, pb] = [`${key(a)}\t`, `${key(b)}\t`];
    if (!pa.startsWith(pb) && !pb.startsWith(pa)) return pa < pb ? -1 : 1;
    const [la, lb] = [line(a), line(b)];
    return la < lb ? -1 : la > lb ? 1 : 0;
  });
  const digest = createHash('sha256');
  let slice: string[] = [];
  let separator = '';
  const add = (text: string) => {
    if (slice.push(text) < LINES_PER_UPDATE) return;
    digest.update(separator + slice.join('\n'));
    [slice, separator] = [[], '\n'];
  };
  head.forEach(add);
  for (const item of sorted) add(line(item));
  tail.forEach(add);
  if (slice.length > 0) digest.update(separator + slice.join('\n'));
  return digest.digest('hex');
}

export function brokerDigest(snapshot: BrokerSnapshot): string {
  return sha256OfLines([`tag\t${snapshot.tag}`], snapshot.requests, (r) => r.id, (r) => `${r.id}\t${r.completion}\t${r.fingerprint}`, []);
}

export function listingDigest(listing: RemoteListing): string {
  const entries = [...listing.files, ...(listing.obstacles ?? [])];
  const line = (e: (typeof entries)[number]) => ('size' in e ? `${e.name}\t${e.size}\t${e.mtime}` : `${e.name}\t${e.type}`);
  return sha256OfLines([], entries, (e) => e.name, line, [`ledger\t${listing.ledgerSha256 ?? '-'}`]);
}

export function planInputsOf(
  snapshot: BrokerSnapshot,
  ledger: { readonly ledger: Ledger; readonly sha256: string | null },
  listing: RemoteListing,
): PlanInputs {
  return {
    ledger: { lineage: ledger.ledger.lineage ?? null, serial: ledger.ledger.serial, sha256: ledger.sha256 },
    remote: { sha256: listingDigest(listing), files: listing.files.length },
    broker: { sha256: brokerDigest(snapshot), requests: snapshot.requests.length },
  };
}

/** sha256 of canonical JSON (sorted keys) of the non-secret configuration. */
export function configDigest(view: unknown): string {
  return sha256(canonicalJson(view));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

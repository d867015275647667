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
 * sha256 of `lines.join('\n')`, hashed a slice of lines at a time: at 100,000 requests the joined
 * text (and its UTF-8 copy inside the hash) would be ~20 MB more at the peak of a run.
 */
function sha256OfLines(lines: readonly string[]): string {
  const digest = createHash('sha256');
  for (let at = 0; at < lines.length; at += LINES_PER_UPDATE) {
    digest.update((at === 0 ? '' : '\n') + lines.slice(at, at + LINES_PER_UPDATE).join('\n'));
  }
  return digest.digest('hex');
}

export function brokerDigest(snapshot: BrokerSnapshot): string {
  const lines = snapshot.requests.map((r) => `${r.id}\t${r.completion}\t${r.fingerprint}`).sort();
  lines.unshift(`tag\t${snapshot.tag}`);
  return sha256OfLines(lines);
}

export function listingDigest(listing: RemoteListing): string {
  const lines = listing.files.map((f) => `${f.name}\t${f.size}\t${f.mtime}`);
  for (const o of listing.obstacles ?? []) lines.push(`${o.name}\t${o.type}`);
  lines.sort().push(`ledger\t${listing.ledgerSha256 ?? '-'}`);
  return sha256OfLines(lines);
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

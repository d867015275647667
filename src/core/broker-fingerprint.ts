/**
 * A request's change fingerprint: which nodes reported a result-relevant state, and when.
 *
 * The original compared only the completion ratio, so 1/2 → 2/4, or a node re-submitting its
 * result (a new `completed` time), went unnoticed (B3). The fingerprint is the sha256 hex of a
 * canonical text: a version line, then one line per status row, sorted by numeric node id,
 * holding the node id, the `completed`, `rejected` and `failed` times and the media type of the
 * status message (empty when there is none):
 *
 *     aktin-sftp broker fingerprint v1
 *     0\tcompleted=2024-05-01T10:04:00Z\trejected=\tfailed=\tmessage=
 *     1\tcompleted=\trejected=\tfailed=2024-05-01T10:05:00.5Z\tmessage=text/plain
 *
 * Times are canonical (trailing zeros of the fraction dropped), so `10:00:00Z` and
 * `10:00:00.000Z` are the same instant whatever precision the broker prints.
 * Choice: these are the parts of a status row that change what a bundle holds. `retrieved`,
 * `queued`, `processing`, `interaction` and `deleted` are left out on purpose: a heartbeat of a
 * node already counted must not re-upload a bundle whose results did not change. A node that
 * appears for the first time adds a line, so it changes the fingerprint even when it reported
 * nothing that counts (its row changes the completion ratio too).
 */
import { hash } from 'node:crypto';
import { compareRequestIds, type NodeStatus } from './model.js';

const VERSION_LINE = 'aktin-sftp broker fingerprint v1';

export function fingerprintOf(statuses: readonly NodeStatus[]): string {
  // One-shot hash: half the cost of createHash().update().digest() for a text this short.
  return hash('sha256', fingerprintText(statuses), 'hex');
}

/** The canonical text the fingerprint is the digest of (exported for tests and debugging). */
export function fingerprintText(statuses: readonly NodeStatus[]): string {
  const rows = [...statuses].sort((a, b) => compareRequestIds(a.node, b.node));
  const lines = rows.map((s) =>
    [
      s.node,
      `completed=${canonicalTime(s.states.completed)}`,
      `rejected=${canonicalTime(s.states.rejected)}`,
      `failed=${canonicalTime(s.states.failed)}`,
      `message=${s.messageType ?? ''}`,
    ].join('\t'),
  );
  return [VERSION_LINE, ...lines].join('\n');
}

/** `10:00:00Z`, `10:00:00.000Z` and `10:00:00.000000Z` are the same instant. */
export function canonicalTime(time: string | undefined): string {
  if (time === undefined) return '';
  const match = /^(\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(time);
  if (!match) return time;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return fraction ? `${match[1]}.${fraction}Z` : `${match[1]}Z`;
}

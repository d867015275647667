/**
 * A request's change fingerprint: which nodes reported a result-relevant state, and when.
 *
 * The original compared only the completion ratio, so 1/2 → 2/4, or a node re-submitting its
 * result (a new `completed` time), went unnoticed (B3). The fingerprint covers, per node, the
 * `completed`, `rejected` and `failed` times and the presence of a status message: the parts
 * of a status row that change what a bundle holds. `retrieved`, `queued`, `processing` and
 * `interaction` heartbeats are left out on purpose: they would re-upload bundles whose results
 * did not change. A new node row changes the ratio, which the completion already catches.
 */
import { createHash } from 'node:crypto';
import type { NodeStatus } from './model.js';

export function fingerprintOf(statuses: readonly NodeStatus[]): string {
  const lines = statuses
    .map((s) => [s.node, canonicalTime(s.states.completed), canonicalTime(s.states.rejected), canonicalTime(s.states.failed), s.messageType ?? ''].join('\t'))
    .sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** `10:00:00Z`, `10:00:00.000Z` and `10:00:00.000000Z` are the same instant. */
function canonicalTime(time: string | undefined): string {
  if (time === undefined) return '';
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(time);
  if (!match) return time;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return fraction ? `${match[1]}.${fraction}Z` : `${match[1]}Z`;
}

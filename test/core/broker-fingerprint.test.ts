import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprintOf } from '../../src/core/broker-fingerprint.js';
import type { NodeStatus } from '../../src/core/model.js';

const row = (node: string, states: NodeStatus['states'], messageType?: string): NodeStatus => ({ node, states, ...(messageType ? { messageType } : {}) });
const base = [row('0', { retrieved: '2024-05-01T10:00:00Z', completed: '2024-05-01T10:04:00Z' }), row('1', { retrieved: '2024-05-01T10:01:00Z' })];

describe('fingerprintOf', () => {
  it('is stable under row order and timestamp spelling', () => {
    const respelled = [row('1', { retrieved: '2024-05-01T10:01:00.000Z' }), row('0', { retrieved: '2024-05-01T10:00:00Z', completed: '2024-05-01T10:04:00.000000Z' })];
    assert.equal(fingerprintOf(respelled), fingerprintOf(base));
  });

  const changes: [string, NodeStatus[]][] = [
    ['1/2 → 2/4: same ratio, more nodes', [...base, row('2', { completed: '2024-05-02T00:00:00Z' }), row('3', { retrieved: '2024-05-02T00:00:00Z' })]],
    ['a node re-submits its result', [row('0', { retrieved: '2024-05-01T10:00:00Z', completed: '2024-05-03T08:00:00Z' }), base[1]!]],
    ['a completed node later fails', [row('0', { completed: '2024-05-01T10:04:00Z', failed: '2024-05-03T08:00:00Z' }), base[1]!]],
    ['a node posts an error message', [base[0]!, row('1', { retrieved: '2024-05-01T10:01:00Z', rejected: '2024-05-03T08:00:00Z' }, 'text/plain')]],
  ];
  for (const [name, rows] of changes) it(`changes when ${name}`, () => assert.notEqual(fingerprintOf(rows), fingerprintOf(base)));

  it('ignores progress heartbeats that do not change results', () => {
    const heartbeat = [base[0]!, row('1', { retrieved: '2024-05-01T10:01:00Z', processing: '2024-05-01T11:00:00Z', queued: '2024-05-01T10:30:00Z' })];
    assert.equal(fingerprintOf(heartbeat), fingerprintOf(base));
  });
});

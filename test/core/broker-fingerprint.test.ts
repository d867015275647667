import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalTime, fingerprintOf, fingerprintText } from '../../src/core/broker-fingerprint.js';
import type { NodeStatus } from '../../src/core/model.js';

const row = (node: string, states: NodeStatus['states'], messageType?: string): NodeStatus => ({ node, states, ...(messageType ? { messageType } : {}) });
const base = [row('0', { retrieved: '2024-05-01T10:00:00Z', completed: '2024-05-01T10:04:00Z' }), row('1', { retrieved: '2024-05-01T10:01:00Z' })];

describe('fingerprintOf', () => {
  it('is the sha256 of the documented canonical text', () => {
    const rows = [row('10', { failed: '2024-05-01T10:05:00.500Z' }, 'text/plain'), row('2', { completed: '2024-05-01T10:04:00.000Z', queued: '2024-05-01T10:02:00Z' })];
    const text = 'aktin-sftp broker fingerprint v1\n2\tcompleted=2024-05-01T10:04:00Z\trejected=\tfailed=\tmessage=\n10\tcompleted=\trejected=\tfailed=2024-05-01T10:05:00.5Z\tmessage=text/plain';
    assert.equal(fingerprintText(rows), text, 'rows sorted by numeric node id, times canonical, heartbeats left out');
    assert.equal(fingerprintOf(rows), createHash('sha256').update(text).digest('hex'));
    assert.equal(fingerprintOf([]), createHash('sha256').update('aktin-sftp broker fingerprint v1').digest('hex'));
  });

  it('is stable under row order and timestamp spelling', () => {
    const respelled = [row('1', { retrieved: '2024-05-01T10:01:00.000Z' }), row('0', { retrieved: '2024-05-01T10:00:00Z', completed: '2024-05-01T10:04:00.000000Z' })];
    assert.equal(fingerprintOf(respelled), fingerprintOf(base));
  });

  const changes: [string, NodeStatus[]][] = [
    ['1/2 → 2/4: same ratio, more nodes', [...base, row('2', { completed: '2024-05-02T00:00:00Z' }), row('3', { retrieved: '2024-05-02T00:00:00Z' })]],
    ['a node re-submits its result (a re-posted completed)', [row('0', { retrieved: '2024-05-01T10:00:00Z', completed: '2024-05-03T08:00:00Z' }), base[1]!]],
    ['a completed node later fails', [row('0', { completed: '2024-05-01T10:04:00Z', failed: '2024-05-03T08:00:00Z' }), base[1]!]],
    ['a node rejects with a message', [base[0]!, row('1', { retrieved: '2024-05-01T10:01:00Z', rejected: '2024-05-03T08:00:00Z' }, 'text/plain')]],
    ['a message type changes', [base[0]!, row('1', { retrieved: '2024-05-01T10:01:00Z' }, 'text/plain')]],
    ['a new node retrieves the request', [...base, row('2', { retrieved: '2024-05-02T00:00:00Z' })]],
  ];
  for (const [name, rows] of changes) it(`changes when ${name}`, () => assert.notEqual(fingerprintOf(rows), fingerprintOf(base)));

  const heartbeats: [string, NodeStatus[]][] = [
    ['processing and queued', [base[0]!, row('1', { retrieved: '2024-05-01T10:01:00Z', processing: '2024-05-01T11:00:00Z', queued: '2024-05-01T10:30:00Z' })]],
    ['a later retrieved of a counted node', [row('0', { retrieved: '2024-05-02T09:00:00Z', completed: '2024-05-01T10:04:00Z' }), base[1]!]],
    ['interaction', [base[0]!, row('1', { retrieved: '2024-05-01T10:01:00Z', interaction: '2024-05-01T12:00:00Z' })]],
  ];
  for (const [name, rows] of heartbeats) it(`ignores a heartbeat: ${name}`, () => assert.equal(fingerprintOf(rows), fingerprintOf(base)));
});

describe('canonicalTime', () => {
  const cases: [string | undefined, string][] = [
    [undefined, ''],
    ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00Z'],
    ['2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00Z'],
    ['2024-05-01T10:00:00.120Z', '2024-05-01T10:00:00.12Z'],
    ['2024-05-01T10:00:00.123456789Z', '2024-05-01T10:00:00.123456789Z'],
  ];
  for (const [input, want] of cases) it(`${input} → ${want}`, () => assert.equal(canonicalTime(input), want));
});

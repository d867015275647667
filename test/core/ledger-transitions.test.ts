import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionChange, applyLedgerChange, formatLedgerTime, pendingChange, viewOf, type ActionOutcome } from '../../src/core/ledger-transitions.js';
import type { Ledger } from '../../src/core/model.js';
import type { ActionKind, ActionReason, PlannedAction, UploadAction } from '../../src/core/plan.js';

const PLAN = '0a1b2c3d-0000-4000-8000-000000000000';
const T1 = new Date('2026-11-22T10:47:20.900Z');
const T2 = new Date('2026-11-22T10:47:24Z');

function action(kind: ActionKind, id: string, completion = '0.5', reason: ActionReason = 'new_request'): PlannedAction {
  return {
    address: `export_${id}.zip`,
    kind,
    reason,
    request_id: id,
    before: null,
    after: kind === 'delete' ? null : { completion, fingerprint: 'f'.repeat(64) },
    precondition: { remote: { state: 'absent' } },
  } as PlannedAction;
}

const applyActionToLedger = (ledger: Ledger, a: PlannedAction, outcome: ActionOutcome) => applyLedgerChange(ledger, actionChange(viewOf(ledger), a, outcome));
const markPending = (ledger: Ledger, address: string, planId: string) => applyLedgerChange(ledger, pendingChange(viewOf(ledger), address, planId));

const legacy: Ledger = {
  serial: 0,
  entries: [
    { id: '1', completion: '1.0', uploaded: '2026-01-01 00:00:00', deleted: '2026-01-02 00:00:00' },
    { id: '2', completion: '1.0', uploaded: '2026-01-01 00:00:00' },
    { id: '3', completion: '0.5', uploaded: '2026-01-01 00:00:00' },
  ],
};

describe('ledger transitions', () => {
  it('formats timestamps as the original: UTC, seconds, no zone', () => {
    assert.equal(formatLedgerTime(T1), '2026-11-22 10:47:20');
  });

  it('appends a new entry with id, completion, uploaded and our facts', () => {
    const next = applyActionToLedger(legacy, action('create', '6', '0.0'), { at: T1, planId: PLAN, tokenSize: 120 });
    assert.deepEqual(next.entries.at(-1), {
      id: '6',
      uploaded: '2026-11-22 10:47:20',
      completion: '0.0',
      fingerprint: 'f'.repeat(64),
      tokenSize: 120,
      plan: PLAN,
    });
    assert.equal(next.plan, PLAN);
    assert.deepEqual(next.entries.slice(0, 3), legacy.entries, 'other entries untouched');
  });

  it('updates completion and last-update only on the updated entry, keeping uploaded', () => {
    const next = applyActionToLedger(legacy, action('update', '2', '0.5', 'completion_changed'), { at: T1, planId: PLAN });
    assert.equal(next.entries[1]!.completion, '0.5');
    assert.equal(next.entries[1]!.uploaded, '2026-01-01 00:00:00');
    assert.equal(next.entries[1]!.lastUpdate, '2026-11-22 10:47:20');
    assert.equal(next.entries[2]!.lastUpdate, undefined);
    const again = applyActionToLedger(next, action('update', '2', '0.33', 'completion_changed'), { at: T2, planId: PLAN });
    assert.equal(again.entries[1]!.lastUpdate, '2026-11-22 10:47:24', 'a repeated update moves the timestamp');
  });

  it('revives a tombstone: deleted is removed, uploaded kept, last-update set', () => {
    const next = applyActionToLedger(legacy, action('create', '1', '1.0', 'tombstone_revived'), { at: T1, planId: PLAN });
    const entry = next.entries[0]!;
    assert.equal(entry.deleted, undefined);
    assert.equal(entry.uploaded, '2026-01-01 00:00:00');
    assert.equal(entry.lastUpdate, '2026-11-22 10:47:20');
    assert.equal(next.entries.length, 3);
  });

  it('tombstones only the deleted entry and keeps its completion', () => {
    const next = applyActionToLedger(legacy, action('delete', '3', '', 'request_gone'), { at: T2, planId: PLAN });
    assert.equal(next.entries[2]!.deleted, '2026-11-22 10:47:24');
    assert.equal(next.entries[2]!.completion, '0.5');
    assert.equal(next.entries[1]!.deleted, undefined);
  });

  it('clears the pending mark of the address it records', () => {
    const pending = markPending(markPending(legacy, 'export_2.zip', PLAN), 'export_3.zip', PLAN);
    assert.deepEqual(pending.pending, ['export_2.zip', 'export_3.zip']);
    const next = applyActionToLedger(pending, action('replace', '2', '1.0', 'remote_missing'), { at: T1, planId: PLAN });
    assert.deepEqual(next.pending, ['export_3.zip']);
    const last = applyActionToLedger(next, action('delete', '3', '', 'request_gone'), { at: T1, planId: PLAN });
    assert.equal(last.pending, undefined);
  });

  it('leaves the ledger alone for actions on files it does not own', () => {
    const temp = { ...action('remove_temp', '2'), request_id: null, after: null, address: '.export_2.zip.0a1b2c3d.part' } as PlannedAction;
    assert.equal(actionChange(viewOf(legacy), temp, { at: T1, planId: PLAN }), null);
    assert.equal(applyActionToLedger(legacy, temp, { at: T1, planId: PLAN }), legacy);
  });

  it('is one entry and the root fields per step, whatever the size of the ledger', () => {
    const change = actionChange(viewOf(legacy), action('update', '2', '0.5', 'completion_changed'), { at: T1, planId: PLAN });
    assert.deepEqual(Object.keys(change ?? {}).sort(), ['entry', 'pending', 'plan']);
    assert.equal(change?.entry?.id, '2');
    assert.throws(() => actionChange(viewOf(legacy), action('delete', '9', '', 'request_gone'), { at: T1, planId: PLAN }), /no entry for request 9/);
  });
});

describe('ledger transitions: the key that sealed a file', () => {
  const upload = (id: string): UploadAction => ({
    address: `export_${id}.zip.age`,
    kind: 'create',
    reason: 'new_request',
    request_id: id,
    before: null,
    after: { completion: '1.0', fingerprint: null },
    precondition: { remote: { state: 'absent' } },
  });
  const at = new Date('2026-11-22T10:00:00Z');

  it('records the key of a public-key upload, and a Fernet re-upload drops it', () => {
    const sealed = applyLedgerChange({ serial: 1, entries: [] }, actionChange(viewOf({ serial: 1, entries: [] }), upload('7'), { at, planId: 'p1', key: 'age:0123456789abcdef' }));
    assert.equal(sealed.entries[0]!.key, 'age:0123456789abcdef');
    const again = applyLedgerChange(sealed, actionChange(viewOf(sealed), { ...upload('7'), kind: 'update', reason: 'completion_changed', address: 'export_7.zip' }, { at, planId: 'p2' }));
    assert.equal('key' in again.entries[0]!, false);
  });
});

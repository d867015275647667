import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionReadiness, type Readiness } from '../../src/core/action-readiness.js';
import { viewOf } from '../../src/core/ledger-transitions.js';
import type { Ledger, RemoteFile } from '../../src/core/model.js';
import type { PlannedAction } from '../../src/core/plan.js';
import { PLAN_ID, exportAction } from '../support/plan-fixtures.js';

const present = { state: 'present', size: 140, mtime: 100 } as const;
const file = (size = 140, mtime = 100): RemoteFile => ({ name: 'export_2.zip', size, mtime });
const base: Ledger = { serial: 1, entries: [{ id: '2', completion: '1.0', uploaded: 'u' }] };
const byThisPlan: Ledger = { serial: 2, plan: PLAN_ID, entries: [{ id: '2', completion: '0.5', uploaded: 'u', plan: PLAN_ID }] };
const tombstonedByThisPlan: Ledger = { serial: 2, plan: PLAN_ID, entries: [{ id: '2', completion: '1.0', uploaded: 'u', deleted: 'd', plan: PLAN_ID }] };
const pendingHere: Ledger = { ...base, plan: PLAN_ID, pending: ['export_2.zip'] };
const temp: PlannedAction = { address: '.x', kind: 'remove_temp', reason: 'stray_temp_file', request_id: null, before: null, after: null, precondition: { remote: present } };

const cases: { name: string; action: PlannedAction; ledger: Ledger; remote: RemoteFile | null; want: Readiness }[] = [
  { name: 'upload, remote as planned', action: exportAction('update', '2', { remote: present }), ledger: base, remote: file(), want: 'ready' },
  { name: 'upload, remote changed meanwhile', action: exportAction('update', '2', { remote: present }), ledger: base, remote: file(99), want: 'conflict' },
  { name: 'create, a file appeared meanwhile', action: exportAction('create', '2'), ledger: base, remote: file(), want: 'conflict' },
  { name: 'upload already recorded by this plan', action: exportAction('update', '2', { remote: present }), ledger: byThisPlan, remote: file(200), want: 'done' },
  { name: 'upload started by this plan before a crash', action: exportAction('update', '2', { remote: present }), ledger: pendingHere, remote: file(200), want: 'ready' },
  { name: 'delete, remote as planned', action: exportAction('delete', '2', { remote: present }), ledger: base, remote: file(), want: 'ready' },
  { name: 'delete, file already gone', action: exportAction('delete', '2', { remote: present }), ledger: base, remote: null, want: 'ready' },
  { name: 'delete, file replaced meanwhile', action: exportAction('delete', '2', { remote: present }), ledger: base, remote: file(500, 300), want: 'conflict' },
  { name: 'delete already recorded by this plan', action: exportAction('delete', '2', { remote: present }), ledger: tombstonedByThisPlan, remote: null, want: 'done' },
  { name: 'temp file already gone', action: temp, ledger: base, remote: null, want: 'done' },
  { name: 'temp file still there', action: temp, ledger: base, remote: file(), want: 'ready' },
];

describe('actionReadiness', () => {
  for (const c of cases) {
    it(c.name, () => assert.equal(actionReadiness(c.action, viewOf(c.ledger), c.remote, PLAN_ID), c.want));
  }
});

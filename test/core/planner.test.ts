import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrokerRequest, Ledger, LedgerEntry, RemoteFile } from '../../src/core/model.js';
import type { PlanOptions } from '../../src/core/plan.js';
import { planChanges, type PlannerInput } from '../../src/core/planner.js';

const F = (c: string) => c.repeat(64);
const OPTIONS: PlanOptions = { max_delete: null, allow_mass_delete: false, prune_orphans: false };
const req = (id: string, completion = '1.0', fingerprint = F('a')): BrokerRequest => ({ id, completion, fingerprint, nodes: 1, completed: 1 });
const entry = (id: string, completion = '1.0', extra: Partial<LedgerEntry> = {}): LedgerEntry => ({ id, completion, uploaded: '2026-01-01 00:00:00', ...extra });
const tracked = (id: string, completion = '1.0', extra: Partial<LedgerEntry> = {}) => entry(id, completion, { fingerprint: F('a'), tokenSize: 140, ...extra });
const file = (name: string, size = 140, mtime = 1000): RemoteFile => ({ name, size, mtime });
const exports = (...ids: string[]) => ids.map((id) => file(`export_${id}.zip`));

function input(
  requests: BrokerRequest[],
  entries: LedgerEntry[],
  files: RemoteFile[],
  options: Partial<PlanOptions> = {},
  ledgerSha: string | null = entries.length > 0 ? F('1') : null,
  remoteLedgerSha?: string,
): PlannerInput {
  const ledger: Ledger = { serial: 2, lineage: 'lin', entries };
  return {
    snapshot: { tag: 'rki', requests },
    ledger: { ledger, sha256: ledgerSha },
    listing: { files, ...(remoteLedgerSha === undefined ? {} : { ledgerSha256: remoteLedgerSha }) },
    options: { ...OPTIONS, ...options },
    context: { planId: 'p-1', createdAt: new Date('2026-11-24T10:00:00Z'), toolVersion: '0.1.0', configSha256: F('c'), tag: 'rki', folder: 'rki' },
  };
}

/** The actions as `kind reason address` lines: exact and readable in a failing test. */
function planned(i: PlannerInput): string[] {
  const outcome = planChanges(i);
  if (!outcome.ok) return outcome.problems.map((p) => `problem ${p.code}`);
  return outcome.value.actions.map((a) => `${a.kind} ${a.reason} ${a.address}`);
}

const inSync = { files: [...exports('2'), file('status.xml')], remoteLedger: F('1') };

const cases: { name: string; input: PlannerInput; want: string[] }[] = [
  { name: 'nothing anywhere: no actions, no ledger upload', input: input([], [], []), want: [] },
  { name: 'in sync: no actions', input: input([req('2')], [tracked('2')], inSync.files, {}, F('1'), inSync.remoteLedger), want: [] },
  {
    name: 'a new request is created, even at completion 0.0 (the original uploads those)',
    input: input([req('6', '0.0')], [], []),
    want: ['create new_request export_6.zip', 'publish_ledger ledger_changed status.xml'],
  },
  {
    name: 'a tombstoned request that comes back is created again (B1, B2)',
    input: input([req('0', '1.0')], [entry('0', '1.0', { deleted: '2026-01-02 00:00:00' })], []),
    want: ['create tombstone_revived export_0.zip', 'publish_ledger ledger_changed status.xml'],
  },
  {
    name: 'a changed completion is an update',
    input: input([req('2', '0.5')], [tracked('2')], inSync.files, {}, F('1'), inSync.remoteLedger),
    want: ['update completion_changed export_2.zip', 'publish_ledger ledger_changed status.xml'],
  },
  {
    name: 'new node results that keep the ratio are an update (B3)',
    input: input([req('2', '1.0', F('b'))], [tracked('2')], inSync.files, {}, F('1'), inSync.remoteLedger),
    want: ['update results_changed export_2.zip', 'publish_ledger ledger_changed status.xml'],
  },
  {
    name: 'a legacy entry without fingerprint is compared by completion only',
    input: input([req('2', '1.0', F('b'))], [entry('2')], inSync.files, {}, F('1'), inSync.remoteLedger),
    want: [],
  },
  {
    name: 'a missing remote file is replaced (B6)',
    input: input([req('2')], [tracked('2')], [file('status.xml')], {}, F('1'), inSync.remoteLedger),
    want: ['replace remote_missing export_2.zip', 'publish_ledger ledger_changed status.xml'],
  },
  {
    name: 'a remote file of the wrong size is replaced',
    input: input([req('2')], [tracked('2')], [file('export_2.zip', 99), file('status.xml')], {}, F('1'), inSync.remoteLedger),
    want: ['replace remote_size_mismatch export_2.zip', 'publish_ledger ledger_changed status.xml'],
  },
  {
    name: 'a legacy entry is only checked for presence',
    input: input([req('2')], [entry('2')], [file('export_2.zip', 99), file('status.xml')], {}, F('1'), inSync.remoteLedger),
    want: [],
  },
  {
    name: 'a request gone from the broker is deleted, even when its file is already missing',
    input: input([req('2')], [tracked('2'), tracked('3')], inSync.files, {}, F('1'), inSync.remoteLedger),
    want: ['delete request_gone export_3.zip', 'publish_ledger ledger_changed status.xml'],
  },
  {
    name: 'tombstones not listed by the broker stay as they are',
    input: input([req('2')], [tracked('2'), entry('1', '1.0', { deleted: 'd' })], inSync.files, {}, F('1'), inSync.remoteLedger),
    want: [],
  },
  {
    name: 'leftover temporary uploads are removed',
    input: input([req('2')], [tracked('2')], [...inSync.files, file('.export_2.zip.0a1b2c3d.part', 10)], {}, F('1'), inSync.remoteLedger),
    want: ['remove_temp stray_temp_file .export_2.zip.0a1b2c3d.part', 'publish_ledger ledger_changed status.xml'],
  },
  {
    name: 'orphans are left alone by default',
    input: input([req('2')], [tracked('2')], [...inSync.files, file('export_9.zip'), file('notes.txt')], {}, F('1'), inSync.remoteLedger),
    want: [],
  },
  {
    name: 'orphans are removed with prune_orphans; other files never',
    input: input([req('2')], [tracked('2'), entry('1', '1.0', { deleted: 'd' })], [...inSync.files, ...exports('1', '9'), file('notes.txt')], { prune_orphans: true }, F('1'), inSync.remoteLedger),
    want: ['remove_orphan orphan_file export_1.zip', 'remove_orphan orphan_file export_9.zip', 'publish_ledger ledger_changed status.xml'],
  },
  {
    name: 'a missing remote ledger copy is uploaded',
    input: input([req('2')], [tracked('2')], exports('2'), {}, F('1')),
    want: ['publish_ledger remote_ledger_missing status.xml'],
  },
  {
    name: 'a stale remote ledger copy is uploaded',
    input: input([req('2')], [tracked('2')], inSync.files, {}, F('1'), F('9')),
    want: ['publish_ledger remote_ledger_stale status.xml'],
  },
  {
    name: 'actions are ordered: uploads by numeric id, then deletes, then housekeeping, ledger last',
    input: input([req('10', '0.5'), req('9'), req('2', '0.5')], [tracked('2'), tracked('3'), tracked('10')], [...exports('2', '3', '10'), file('.status.xml.0a1b2c3d.part')], {}, F('1')),
    want: [
      'update completion_changed export_2.zip',
      'create new_request export_9.zip',
      'update completion_changed export_10.zip',
      'delete request_gone export_3.zip',
      'remove_temp stray_temp_file .status.xml.0a1b2c3d.part',
      'publish_ledger ledger_changed status.xml',
    ],
  },
  // original-exporter.md §7.2 compare cases: ledger 1 (deleted), 2, 3, 4, 5 (deleted).
  ...(() => {
    const ledger = [entry('1', '100', { deleted: 'd' }), entry('2', '300'), entry('3', '400'), entry('4', '500'), entry('5', '700', { deleted: 'd' })];
    const files = exports('2', '3', '4');
    return [
      {
        name: '§7.2 broker {5,6}: the original saw 1 new; we also revive 5 and delete 2, 3, 4',
        input: input([req('5', '700'), req('6', '1')], ledger, files, { allow_mass_delete: true }),
        want: [
          'create tombstone_revived export_5.zip',
          'create new_request export_6.zip',
          'delete request_gone export_2.zip',
          'delete request_gone export_3.zip',
          'delete request_gone export_4.zip',
          'publish_ledger ledger_changed status.xml',
        ],
      },
      {
        name: '§7.2 broker {1:10, 2:20, 3:30, 6}: updates 2 and 3 as the original; 1 revived instead of ignored',
        input: input([req('1', '10'), req('2', '20'), req('3', '30'), req('6', '1')], ledger, files),
        want: [
          'create tombstone_revived export_1.zip',
          'update completion_changed export_2.zip',
          'update completion_changed export_3.zip',
          'create new_request export_6.zip',
          'delete request_gone export_4.zip',
          'publish_ledger ledger_changed status.xml',
        ],
      },
      {
        name: '§7.2 broker {2,3,6}: deletes only 4, as the original',
        input: input([req('2', '300'), req('3', '400'), req('6', '1')], ledger, files),
        want: ['create new_request export_6.zip', 'delete request_gone export_4.zip', 'publish_ledger ledger_changed status.xml'],
      },
    ];
  })(),
];

describe('planChanges', () => {
  for (const c of cases) it(c.name, () => assert.deepEqual(planned(c.input), c.want));

  it('records the remote file as seen, before and after, for every action', () => {
    const outcome = planChanges(input([req('2', '0.5')], [tracked('2')], [file('export_2.zip', 140, 77)], {}, F('1')));
    assert.ok(outcome.ok);
    const [update, publish] = outcome.value.actions;
    assert.deepEqual(update, {
      address: 'export_2.zip',
      kind: 'update',
      reason: 'completion_changed',
      request_id: '2',
      before: { completion: '1.0', fingerprint: F('a') },
      after: { completion: '0.5', fingerprint: F('a') },
      precondition: { remote: { state: 'present', size: 140, mtime: 77 } },
    });
    assert.deepEqual(publish!.precondition, { remote: { state: 'absent' } });
  });

  it('§7.1 run 1 and run 2 give the original\'s counts', () => {
    const run1 = planChanges(input([req('0'), req('2'), req('4')], [], []));
    assert.ok(run1.ok);
    assert.deepEqual(run1.value.summary, { add: 3, change: 0, destroy: 0, publish_ledger: true });

    const run2 = planChanges(
      input([req('2', '0.5'), req('4', '0.5'), req('6', '0.0')], [tracked('4'), tracked('0'), tracked('2')], [...exports('0', '2', '4'), file('status.xml')], {}, F('1'), F('1')),
    );
    assert.ok(run2.ok);
    assert.deepEqual(
      run2.value.actions.map((a) => `${a.kind} ${a.address}`),
      ['update export_2.zip', 'update export_4.zip', 'create export_6.zip', 'delete export_0.zip', 'publish_ledger status.xml'],
    );
    assert.deepEqual(run2.value.summary, { add: 1, change: 2, destroy: 1, publish_ledger: true });
  });

  it('pins the plan to its inputs and context', () => {
    const outcome = planChanges(input([req('2')], [tracked('2')], inSync.files, {}, F('1'), F('1')));
    assert.ok(outcome.ok);
    const plan = outcome.value;
    assert.equal(plan.created_at, '2026-11-24T10:00:00.000Z');
    assert.deepEqual(plan.inputs.ledger, { lineage: 'lin', serial: 2, sha256: F('1') });
    assert.equal(plan.inputs.broker.requests, 1);
    assert.equal(plan.inputs.remote.files, 2);
    assert.match(plan.inputs.remote.sha256, /^[0-9a-f]{64}$/);
  });
});

describe('deletion safety', () => {
  const problems = (i: PlannerInput) => {
    const outcome = planChanges(i);
    return outcome.ok ? [] : outcome.problems;
  };

  it('refuses to delete everything when the broker lists no tagged request', () => {
    const [p] = problems(input([], [tracked('2'), tracked('3')], exports('2', '3')));
    assert.equal(p?.code, 'PLAN_DELETE_CAP');
    assert.match(p!.title, /all 2 uploaded file\(s\).*no request tagged 'rki'/);
    assert.match(p!.hint!, /--allow-mass-delete/);
  });

  it('refuses more deletions than the cap, naming the requests', () => {
    const [p] = problems(input([req('1')], [tracked('1'), tracked('2'), tracked('3')], exports('1', '2', '3'), { max_delete: 1 }));
    assert.equal(p?.code, 'PLAN_DELETE_CAP');
    assert.match(p!.detail!, /request\(s\) 2, 3/);
    assert.match(p!.detail!, /MAX_DELETE/);
  });

  it('allows both with allow_mass_delete, and deletions within the cap', () => {
    assert.deepEqual(problems(input([], [tracked('2')], exports('2'), { allow_mass_delete: true })), []);
    assert.deepEqual(problems(input([req('1')], [tracked('1'), tracked('2')], exports('1', '2'), { max_delete: 1 })), []);
  });
});


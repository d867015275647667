import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Plan } from '../../src/core/plan.js';
import { planChanges, type PlannerInput } from '../../src/core/planner.js';
import {
  brokerRequest as req,
  exportFiles,
  hex,
  legacyEntry,
  plannerInput,
  remoteFile as file,
  tombstone,
  trackedEntry as tracked,
  type WorldSketch,
} from '../support/builders.js';

/** The actions as `kind reason address` lines: exact and readable in a failing test. */
function planned(input: PlannerInput): string[] {
  const outcome = planChanges(input);
  if (!outcome.ok) return outcome.problems.map((p) => `problem ${p.code}`);
  return outcome.value.actions.map((a) => `${a.kind} ${a.reason} ${a.address}`);
}

function planOf(world: WorldSketch): Plan {
  const outcome = planChanges(plannerInput(world));
  if (!outcome.ok) assert.fail(outcome.problems.map((p) => p.title).join('\n'));
  return outcome.value;
}

/** Request 2 uploaded by aktin-sftp, its file and the remote ledger copy as they should be. */
const inSync: WorldSketch = { requests: [req('2')], entries: [tracked('2')], files: [...exportFiles('2'), file('status.xml')], remoteLedgerSha256: hex('1') };
const PUBLISH = 'publish_ledger ledger_changed status.xml';

const cases: { name: string; world: WorldSketch; want: string[] }[] = [
  { name: 'nothing anywhere: no actions, no ledger upload', world: {}, want: [] },
  { name: 'no ledger file and nothing to do: no ledger upload even if a status.xml is there', world: { files: [file('status.xml')], remoteLedgerSha256: hex('9') }, want: [] },
  { name: 'in sync: no actions', world: inSync, want: [] },
  {
    name: 'a new request is created, even at completion 0.0 (the original uploads those, O5)',
    world: { requests: [req('6', '0.0')] },
    want: ['create new_request export_6.zip', PUBLISH],
  },
  {
    name: 'a new request whose file name is taken remotely is still a create (it overwrites)',
    world: { requests: [req('6')], files: exportFiles('6') },
    want: ['create new_request export_6.zip', PUBLISH],
  },
  {
    name: 'a tombstoned request that comes back with the same completion is created again (B1 crashed here)',
    world: { requests: [req('0', '1.0')], entries: [tombstone('0', '1.0')] },
    want: ['create tombstone_revived export_0.zip', PUBLISH],
  },
  {
    name: 'a tombstoned request that comes back with another completion is created again (B2 ignored it for ever)',
    world: { requests: [req('0', '0.5')], entries: [tombstone('0', '1.0')] },
    want: ['create tombstone_revived export_0.zip', PUBLISH],
  },
  {
    name: 'a changed completion is an update',
    world: { ...inSync, requests: [req('2', '0.5')] },
    want: ['update completion_changed export_2.zip', PUBLISH],
  },
  {
    name: 'a changed completion is an update even when the remote file is missing',
    world: { ...inSync, requests: [req('2', '0.5')], files: [file('status.xml')] },
    want: ['update completion_changed export_2.zip', PUBLISH],
  },
  {
    name: 'new node results that keep the ratio are an update (B3)',
    world: { ...inSync, requests: [req('2', '1.0', hex('b'))] },
    want: ['update results_changed export_2.zip', PUBLISH],
  },
  {
    name: 'a legacy entry (no fingerprint) is compared by completion only',
    world: { ...inSync, requests: [req('2', '1.0', hex('b'))], entries: [legacyEntry('2')] },
    want: [],
  },
  {
    name: 'a missing remote file is replaced (B6)',
    world: { ...inSync, files: [file('status.xml')] },
    want: ['replace remote_missing export_2.zip', PUBLISH],
  },
  {
    name: 'a missing remote file of a legacy entry is replaced too',
    world: { ...inSync, entries: [legacyEntry('2')], files: [file('status.xml')] },
    want: ['replace remote_missing export_2.zip', PUBLISH],
  },
  {
    name: 'a remote file of another size than the uploaded token is replaced',
    world: { ...inSync, files: [file('export_2.zip', 99), file('status.xml')] },
    want: ['replace remote_size_mismatch export_2.zip', PUBLISH],
  },
  {
    name: 'a legacy entry (no token size) is only checked for presence',
    world: { ...inSync, entries: [legacyEntry('2')], files: [file('export_2.zip', 99), file('status.xml')] },
    want: [],
  },
  {
    name: 'a request gone from the broker is deleted',
    world: { ...inSync, entries: [tracked('2'), tracked('3')], files: [...exportFiles('2', '3'), file('status.xml')] },
    want: ['delete request_gone export_3.zip', PUBLISH],
  },
  {
    name: 'a request gone from the broker is deleted even when its file is already missing (the entry is tombstoned)',
    world: { ...inSync, entries: [tracked('2'), tracked('3')] },
    want: ['delete request_gone export_3.zip', PUBLISH],
  },
  {
    name: 'tombstones the broker does not list stay as they are',
    world: { ...inSync, entries: [tracked('2'), tombstone('1')] },
    want: [],
  },
  {
    name: 'leftover temporary uploads are removed, always',
    world: { ...inSync, files: [...inSync.files!, file('.export_2.zip.0a1b2c3d.part', 10), file('.status.xml.deadbeef.part', 10)] },
    want: ['remove_temp stray_temp_file .export_2.zip.0a1b2c3d.part', 'remove_temp stray_temp_file .status.xml.deadbeef.part', PUBLISH],
  },
  {
    name: 'names that only look like temporary uploads are never touched',
    world: { ...inSync, files: [...inSync.files!, file('.export_2.zip.part'), file('export_2.zip.0a1b2c3d.part'), file('.export_2.zip.0A1B2C3D.part')] },
    want: [],
  },
  {
    name: 'orphans are left alone by default (drift reports them)',
    world: { ...inSync, files: [...inSync.files!, ...exportFiles('9'), file('notes.txt')] },
    want: [],
  },
  {
    name: 'with prune_orphans, export files of no live entry are removed; tombstoned ones count as orphans; other files never',
    world: {
      ...inSync,
      entries: [tracked('2'), tombstone('1')],
      files: [...inSync.files!, ...exportFiles('1', '9'), file('export_x.zip'), file('notes.txt'), file('export_02.zip')],
      options: { prune_orphans: true },
    },
    want: ['remove_orphan orphan_file export_1.zip', 'remove_orphan orphan_file export_9.zip', PUBLISH],
  },
  {
    name: 'with prune_orphans, the file of a desired request without entry is no orphan: it is created over',
    world: { ...inSync, requests: [req('2'), req('7')], files: [...inSync.files!, ...exportFiles('7')], options: { prune_orphans: true } },
    want: ['create new_request export_7.zip', PUBLISH],
  },
  {
    name: 'a missing remote ledger copy is uploaded',
    world: { ...inSync, files: exportFiles('2'), remoteLedgerSha256: undefined },
    want: ['publish_ledger remote_ledger_missing status.xml'],
  },
  {
    name: 'a stale remote ledger copy is uploaded',
    world: { ...inSync, remoteLedgerSha256: hex('9') },
    want: ['publish_ledger remote_ledger_stale status.xml'],
  },
  {
    name: 'order: uploads by numeric id, then deletes by id, then housekeeping by name, the ledger last',
    world: {
      requests: [req('10', '0.5'), req('9'), req('2', '0.5'), req('100', '0.5')],
      entries: [tracked('100'), tracked('20'), tracked('2'), tracked('3'), tracked('10')],
      files: [...exportFiles('2', '3', '10', '20', '100'), file('.status.xml.0a1b2c3d.part'), file('.export_9.zip.0a1b2c3d.part')],
    },
    want: [
      'update completion_changed export_2.zip',
      'create new_request export_9.zip',
      'update completion_changed export_10.zip',
      'update completion_changed export_100.zip',
      'delete request_gone export_3.zip',
      'delete request_gone export_20.zip',
      'remove_temp stray_temp_file .export_9.zip.0a1b2c3d.part',
      'remove_temp stray_temp_file .status.xml.0a1b2c3d.part',
      PUBLISH,
    ],
  },
];

// docs/original-tool.md §7.2 compare cases: a ledger of 1 (deleted), 2, 3, 4, 5 (deleted), files for the live ones.
const compareLedger = [legacyEntry('1', '100', { deleted: 'd' }), legacyEntry('2', '300'), legacyEntry('3', '400'), legacyEntry('4', '500'), legacyEntry('5', '700', { deleted: 'd' })];
const compareFiles = exportFiles('2', '3', '4');
cases.push(
  {
    // The original's diff: new {6}, delete {2,3,4} (its test asserted only the one new); 5 is ignored for ever (B2).
    name: '§7.2 broker {5,6}: 6 new and 2, 3, 4 deleted as by the original; 5 revived where the original ignores it (deliberate B2 fix)',
    world: { requests: [req('5', '700'), req('6', '1')], entries: compareLedger, files: compareFiles },
    want: [
      'create tombstone_revived export_5.zip',
      'create new_request export_6.zip',
      'delete request_gone export_2.zip',
      'delete request_gone export_3.zip',
      'delete request_gone export_4.zip',
      PUBLISH,
    ],
  },
  {
    // The original: 2 updates (2, 3), 1 new (6), 1 delete (4); 1 excluded because tombstoned; 5 tombstoned and unlisted.
    name: '§7.2 broker {1:10, 2:20, 3:30, 6}: updates 2 and 3, 6 new, 4 deleted as by the original; 1 revived where the original ignores it (B2 fix); 5 untouched',
    world: { requests: [req('1', '10'), req('2', '20'), req('3', '30'), req('6', '1')], entries: compareLedger, files: compareFiles },
    want: [
      'create tombstone_revived export_1.zip',
      'update completion_changed export_2.zip',
      'update completion_changed export_3.zip',
      'create new_request export_6.zip',
      'delete request_gone export_4.zip',
      PUBLISH,
    ],
  },
  {
    name: '§7.2 broker {2,3,6} (same completions): 1 delete (4) and 6 new, as the original',
    world: { requests: [req('2', '300'), req('3', '400'), req('6', '1')], entries: compareLedger, files: compareFiles },
    want: ['create new_request export_6.zip', 'delete request_gone export_4.zip', PUBLISH],
  },
);

describe('planChanges: one action per difference', () => {
  for (const c of cases) it(c.name, () => assert.deepEqual(planned(plannerInput(c.world)), c.want));

  it('does not depend on the order of its inputs', () => {
    const world: WorldSketch = {
      requests: [req('2', '0.5'), req('9'), req('4')],
      entries: [tracked('4'), tombstone('1'), tracked('2'), tracked('3')],
      files: [...exportFiles('3', '2'), file('.export_2.zip.0a1b2c3d.part'), file('status.xml')],
      remoteLedgerSha256: hex('1'),
    };
    const reversed: WorldSketch = { ...world, requests: [...world.requests!].reverse(), entries: [...world.entries!].reverse(), files: [...world.files!].reverse() };
    assert.deepEqual(planOf(reversed), planOf(world));
  });
});

describe('planChanges: what each action records', () => {
  it('a create: no before, the broker side after, the remote file as absent', () => {
    const [create] = planOf({ requests: [req('6', '0.0', hex('6'))] }).actions;
    assert.deepEqual(create, {
      address: 'export_6.zip',
      kind: 'create',
      reason: 'new_request',
      request_id: '6',
      before: null,
      after: { completion: '0.0', fingerprint: hex('6') },
      precondition: { remote: { state: 'absent' } },
    });
  });

  it('a revived tombstone: no before (the entry is not live), the remote file as seen', () => {
    const [create] = planOf({ requests: [req('0', '0.5')], entries: [tombstone('0')], files: [file('export_0.zip', 7, 8)] }).actions;
    assert.equal(create!.before, null);
    assert.deepEqual(create!.precondition, { remote: { state: 'present', size: 7, mtime: 8 } });
  });

  it('an update: the ledger side before (fingerprint null for a legacy entry), the broker side after', () => {
    const [update, publish] = planOf({ requests: [req('2', '0.5')], entries: [legacyEntry('2')], files: [file('export_2.zip', 140, 77)] }).actions;
    assert.deepEqual(update, {
      address: 'export_2.zip',
      kind: 'update',
      reason: 'completion_changed',
      request_id: '2',
      before: { completion: '1.0', fingerprint: null },
      after: { completion: '0.5', fingerprint: hex('a') },
      precondition: { remote: { state: 'present', size: 140, mtime: 77 } },
    });
    assert.deepEqual(publish, {
      address: 'status.xml',
      kind: 'publish_ledger',
      reason: 'ledger_changed',
      request_id: null,
      before: null,
      after: null,
      precondition: { remote: { state: 'absent' } },
    });
  });

  it('a delete: the ledger side before, nothing after, the remote file as seen (absent too)', () => {
    const [present, absent] = planOf({ requests: [req('1')], entries: [tracked('1'), tracked('2'), tracked('3', '0.5')], files: exportFiles('1', '2') }).actions;
    assert.deepEqual(present, {
      address: 'export_2.zip',
      kind: 'delete',
      reason: 'request_gone',
      request_id: '2',
      before: { completion: '1.0', fingerprint: hex('a') },
      after: null,
      precondition: { remote: { state: 'present', size: 140, mtime: 1000 } },
    });
    assert.deepEqual(absent!.precondition, { remote: { state: 'absent' } });
    assert.deepEqual(absent!.before, { completion: '0.5', fingerprint: hex('a') });
  });

  it('housekeeping: a temp file has no request id, an orphan has its id; both the file as seen', () => {
    const [temp, orphan] = planOf({ ...inSync, files: [...inSync.files!, file('.export_3.zip.0a1b2c3d.part', 5, 6), file('export_9.zip', 3, 4)], options: { prune_orphans: true } }).actions;
    assert.deepEqual(temp, {
      address: '.export_3.zip.0a1b2c3d.part',
      kind: 'remove_temp',
      reason: 'stray_temp_file',
      request_id: null,
      before: null,
      after: null,
      precondition: { remote: { state: 'present', size: 5, mtime: 6 } },
    });
    assert.deepEqual(orphan, { ...temp, address: 'export_9.zip', kind: 'remove_orphan', reason: 'orphan_file', request_id: '9', precondition: { remote: { state: 'present', size: 3, mtime: 4 } } });
  });
});

describe('planChanges: summary (Terraform counting)', () => {
  it('add = create + replace, change = update + the ledger upload, destroy = delete + replace + remove_temp + remove_orphan (one counting with the text)', () => {
    const plan = planOf({
      requests: [req('1'), req('2'), req('3', '0.5'), req('4')],
      entries: [tracked('2'), tracked('3'), tracked('4'), tracked('5')],
      files: [...exportFiles('3', '4', '5', '8'), file('.export_1.zip.0a1b2c3d.part')],
      options: { prune_orphans: true },
    });
    assert.deepEqual(
      plan.actions.map((a) => a.kind),
      ['create', 'replace', 'update', 'delete', 'remove_temp', 'remove_orphan', 'publish_ledger'],
    );
    assert.deepEqual(plan.summary, { add: 2, change: 2, destroy: 4, publish_ledger: true });
  });

  it('a plan that only republishes the ledger counts it as one change', () => {
    assert.deepEqual(planOf({ ...inSync, remoteLedgerSha256: hex('9') }).summary, { add: 0, change: 1, destroy: 0, publish_ledger: true });
  });

  it('§7.1 run 1: 3 new requests on an empty folder', () => {
    const plan = planOf({ requests: [req('0'), req('2'), req('4')] });
    assert.deepEqual(
      plan.actions.map((a) => `${a.kind} ${a.address}`),
      ['create export_0.zip', 'create export_2.zip', 'create export_4.zip', 'publish_ledger status.xml'],
    );
    assert.deepEqual(plan.summary, { add: 3, change: 1, destroy: 0, publish_ledger: true });
  });

  it('§7.1 run 2: create 6, update 2 and 4, delete 0, then the ledger: 1 to add, 3 to change (two updates and the ledger), 1 to destroy', () => {
    const plan = planOf({
      requests: [req('2', '0.5'), req('4', '0.5'), req('6', '0.0')],
      entries: [tracked('0'), tracked('2'), tracked('4')],
      files: [...exportFiles('0', '2', '4'), file('status.xml')],
      remoteLedgerSha256: hex('1'),
    });
    assert.deepEqual(
      plan.actions.map((a) => `${a.kind} ${a.reason} ${a.address}`),
      ['update completion_changed export_2.zip', 'update completion_changed export_4.zip', 'create new_request export_6.zip', 'delete request_gone export_0.zip', PUBLISH],
    );
    assert.deepEqual(plan.summary, { add: 1, change: 3, destroy: 1, publish_ledger: true });
  });
});

describe('planChanges: the plan document', () => {
  it('pins the plan to its context and inputs', () => {
    const plan = planOf(inSync);
    assert.equal(plan.format_version, '1.2');
    assert.equal(plan.tool_version, '0.1.0');
    assert.equal(plan.plan_id, '0a1b2c3d-1111-4222-8333-444455556666');
    assert.equal(plan.created_at, '2026-11-24T10:00:00.000Z');
    assert.equal(plan.config_sha256, hex('c'));
    assert.equal(plan.tag, 'rki');
    assert.equal(plan.folder, 'rki');
    assert.equal(plan.remote, 'sftp://sftp.example.org/rki');
    assert.deepEqual(plan.options, { max_delete: null, allow_mass_delete: false, prune_orphans: false });
    assert.deepEqual(plan.inputs.ledger, { lineage: '5c1f7d2a-8e43-4b0b-9d6e-2f0a3c4b5d6e', serial: 2, sha256: hex('1') });
    assert.equal(plan.inputs.broker.requests, 1);
    assert.equal(plan.inputs.remote.files, 2);
    assert.match(plan.inputs.remote.sha256, /^[0-9a-f]{64}$/);
    assert.match(plan.inputs.broker.sha256, /^[0-9a-f]{64}$/);
  });

  it('records no lineage and no digest for a ledger the original wrote or one that does not exist', () => {
    const input = plannerInput({ requests: [req('1')], ledgerSha256: null });
    const outcome = planChanges({ ...input, observation: { ...input.observation, ledger: { ledger: { serial: 0, entries: [] }, sha256: null } } });
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.value.inputs.ledger, { lineage: null, serial: 0, sha256: null });
  });
});

describe('planChanges: deletion safety', () => {
  const problems = (world: WorldSketch) => {
    const outcome = planChanges(plannerInput(world));
    return outcome.ok ? [] : outcome.problems;
  };

  it('refuses to delete anything when the broker lists no tagged request, and says why and how to override', () => {
    const found = problems({ entries: [tracked('2'), tracked('3')], files: exportFiles('2', '3') });
    assert.equal(found.length, 1);
    const [p] = found;
    assert.equal(p!.code, 'PLAN_DELETE_CAP');
    assert.equal(p!.title, "Refusing to delete 2 file(s): the broker lists no request tagged 'rki'");
    assert.match(p!.detail!, /request\(s\) 2, 3/);
    assert.match(p!.detail!, /wrong \[REQUESTS\] TAG, a changed request definition type, or a broker problem/);
    assert.match(p!.hint!, /--allow-mass-delete/);
  });

  it('counts orphan removals as deletions for the empty-broker guard', () => {
    const [p] = problems({ files: exportFiles('9'), options: { prune_orphans: true } });
    assert.equal(p?.code, 'PLAN_DELETE_CAP');
    assert.match(p.detail!, /request\(s\) 9/);
  });

  it('does not object to an empty broker when nothing would be deleted', () => {
    assert.deepEqual(problems({ entries: [tombstone('2')], files: [file('.export_2.zip.0a1b2c3d.part')] }), []);
  });

  it('refuses more deletions than the cap, naming the count, the cap and the requests', () => {
    const [p] = problems({ requests: [req('1')], entries: [tracked('1'), tracked('2'), tracked('3')], files: exportFiles('1', '2', '3', '9'), options: { max_delete: 2, prune_orphans: true } });
    assert.equal(p?.code, 'PLAN_DELETE_CAP');
    assert.match(p.title, /Refusing to delete 3 files: more than the cap of 2/);
    assert.match(p.detail!, /request\(s\) 2, 3, 9/);
    assert.match(p.detail!, /\[APPLY\] MAX_DELETE/);
    assert.match(p.detail!, /--max-delete/);
    assert.match(p.hint!, /--allow-mass-delete/);
  });

  it('a cap of 0 refuses any deletion; replacements do not count', () => {
    assert.equal(problems({ requests: [req('1')], entries: [tracked('1'), tracked('2')], options: { max_delete: 0 } })[0]?.code, 'PLAN_DELETE_CAP');
    assert.deepEqual(problems({ requests: [req('1')], entries: [tracked('1')], options: { max_delete: 0 } }), []);
  });

  it('allows deletions within the cap; allow_mass_delete lifts only the empty-list guard, never the cap', () => {
    assert.deepEqual(problems({ requests: [req('1')], entries: [tracked('1'), tracked('2')], files: exportFiles('1', '2'), options: { max_delete: 1 } }), []);
    assert.deepEqual(problems({ entries: [tracked('2')], files: exportFiles('2'), options: { allow_mass_delete: true } }), []);
    const capped = problems({ requests: [req('1')], entries: [tracked('1'), tracked('2'), tracked('3')], options: { max_delete: 1, allow_mass_delete: true } });
    assert.deepEqual(capped.map((p) => p.title), ['Refusing to delete 2 files: more than the cap of 1']);
    assert.match(capped[0]!.hint!, /plan again with --max-delete 2 \(--allow-mass-delete does not lift the cap\)/);
    // `--max-delete 0 --allow-mass-delete` (the case): nothing may be deleted.
    const zero = problems({ entries: [tracked('2'), tracked('3')], files: exportFiles('2', '3'), options: { max_delete: 0, allow_mass_delete: true } });
    assert.deepEqual(zero.map((p) => p.title), ['Refusing to delete 2 files: more than the cap of 0']);
    // A raised cap does not lift the empty-list guard: both are reported.
    const both = problems({ entries: [tracked('2'), tracked('3')], files: exportFiles('2', '3'), options: { max_delete: 1 } });
    assert.deepEqual(both.map((p) => p.code), ['PLAN_DELETE_CAP', 'PLAN_DELETE_CAP']);
    assert.deepEqual(problems({ entries: [tracked('2'), tracked('3')], files: exportFiles('2', '3'), options: { max_delete: 5 } }).map((p) => p.title), [
      "Refusing to delete 2 file(s): the broker lists no request tagged 'rki'",
    ]);
  });
});

describe('planChanges: a targeted plan (--only)', () => {
  const world: WorldSketch = {
    requests: [req('2', '0.5'), req('6', '0.0')],
    entries: [tracked('2'), tracked('3'), tracked('4')],
    files: [...exportFiles('2', '3'), file('.export_4.zip.0a1b2c3d.part'), file('.export_2.zip.0a1b2c3d.part')],
  };
  const actions = (only: string[]) => {
    const outcome = planChanges(plannerInput({ ...world, options: { only } }));
    assert.ok(outcome.ok);
    return outcome.value;
  };

  it('acts on the named requests alone, plus the ledger upload', () => {
    const plan = actions(['2']);
    assert.deepEqual(
      plan.actions.map((a) => `${a.kind} ${a.address}`),
      ['update export_2.zip', 'remove_temp .export_2.zip.0a1b2c3d.part', 'publish_ledger status.xml'],
    );
    assert.equal(plan.format_version, '1.2');
    assert.deepEqual(plan.options.only, ['2']);
  });

  it('deletes a named request the broker no longer lists, and nothing it was not asked about', () => {
    assert.deepEqual(
      actions(['3']).actions.map((a) => `${a.kind} ${a.address}`),
      ['delete export_3.zip', 'publish_ledger status.xml'],
    );
  });

  it('writes an untargeted plan as format 1.2 too (it names its remote), without options.only', () => {
    const outcome = planChanges(plannerInput(world));
    assert.ok(outcome.ok);
    assert.equal(outcome.value.format_version, '1.2');
    assert.equal('only' in outcome.value.options, false);
  });

  it('asks the mass-delete guard about the whole list, not the selection', () => {
    const targetedEmpty = plannerInput({ ...world, requests: [], options: { only: ['3'] } });
    const listedOthers = { ...targetedEmpty, observation: { ...targetedEmpty.observation, broker: { tag: 'rki', requests: [], listed: 5 } } };
    assert.ok(planChanges(listedOthers).ok);
    const outcome = planChanges({ ...targetedEmpty, observation: { ...targetedEmpty.observation, broker: { tag: 'rki', requests: [], listed: 0 } } });
    assert.equal(outcome.ok ? 'planned' : outcome.problems[0]!.code, 'PLAN_DELETE_CAP');
  });
});

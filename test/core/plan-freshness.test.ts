import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrokerSnapshot, Ledger, RemoteListing } from '../../src/core/model.js';
import { inputsOf, type Observation } from '../../src/core/observation.js';
import { checkPlanFreshness } from '../../src/core/plan-freshness.js';
import { PLAN_ID, exportAction, planWith } from '../support/plan-fixtures.js';

const snapshot: BrokerSnapshot = {
  tag: 'rki',
  requests: [
    { id: '2', completion: '0.5', fingerprint: 'f'.repeat(64), nodes: 2, completed: 1 },
    { id: '6', completion: '0.0', fingerprint: 'f'.repeat(64), nodes: 0, completed: 0 },
  ],
};
const ledger: Ledger = { lineage: 'lin-1', serial: 3, entries: [] };
const listing: RemoteListing = { files: [{ name: 'export_2.zip', size: 140, mtime: 100 }] };
const base: Observation = {
  broker: snapshot,
  ledger: { ledger, sha256: 'a'.repeat(64) },
  ledgerPath: '/srv/aktin/status.xml',
  listing,
};
const plan = planWith(
  [
    exportAction('update', '2', { completion: '0.5', remote: { state: 'present', size: 140, mtime: 100 } }),
    exportAction('create', '6', { completion: '0.0' }),
  ],
  inputsOf(base),
);

/** The base observation with parts changed; a changed ledger gets a new digest too. */
function current(change: { broker?: BrokerSnapshot; ledger?: Ledger; listing?: RemoteListing } = {}): Observation {
  return {
    ...base,
    ...(change.broker ? { broker: change.broker } : {}),
    ...(change.listing ? { listing: change.listing } : {}),
    ...(change.ledger ? { ledger: { ledger: change.ledger, sha256: '9'.repeat(64) } } : {}),
  };
}

describe('checkPlanFreshness', () => {
  it('accepts a plan whose three inputs are unchanged', () => {
    assert.deepEqual(checkPlanFreshness(plan, current()), { mode: 'fresh' });
  });

  const stale: { name: string; state: Observation; title: RegExp; detail: RegExp }[] = [
    {
      name: 'the broker moved: a completion changed',
      state: current({ broker: { tag: 'rki', requests: [{ ...snapshot.requests[0]!, completion: '1.0' }, snapshot.requests[1]!] } }),
      title: /broker moved/,
      detail: /request 2 has completion 1\.0 now, 0\.5 when planned/,
    },
    {
      name: 'the broker moved: new node results with the same ratio',
      state: current({ broker: { tag: 'rki', requests: [{ ...snapshot.requests[0]!, fingerprint: 'e'.repeat(64) }, snapshot.requests[1]!] } }),
      title: /broker moved/,
      detail: /request 2 has new node results/,
    },
    {
      name: 'the broker moved: a request vanished',
      state: current({ broker: { tag: 'rki', requests: [snapshot.requests[0]!] } }),
      title: /broker moved/,
      detail: /request 6 is no longer listed[\s\S]*lists 1 tagged requests now, 2 when planned/,
    },
    {
      name: 'the ledger was written by another run',
      state: current({ ledger: { ...ledger, serial: 4, plan: 'other' } }),
      title: /ledger changed/,
      detail: /serial 3 then, 4 now \(last written by plan other\)/,
    },
    {
      name: 'the ledger is another ledger altogether',
      state: current({ ledger: { ...ledger, lineage: 'lin-2' } }),
      title: /ledger changed/,
      detail: /different ledger: lineage lin-2/,
    },
    {
      name: 'a file the plan acts on changed on the server',
      state: current({ listing: { files: [{ name: 'export_2.zip', size: 99, mtime: 200 }] } }),
      title: /SFTP folder changed/,
      detail: /export_2\.zip: 140 bytes when planned, 99 bytes now/,
    },
    {
      name: 'a file the plan does not act on appeared',
      state: current({ listing: { files: [...listing.files, { name: 'x.txt', size: 1, mtime: 1 }] } }),
      title: /SFTP folder changed/,
      detail: /does not act on changed \(1 files when planned, 2 now\)/,
    },
  ];
  for (const c of stale) {
    it(`refuses a stale plan: ${c.name}`, () => {
      const result = checkPlanFreshness(plan, c.state);
      assert.equal(result.mode, 'stale');
      if (result.mode !== 'stale') return;
      assert.equal(result.problems.length, 1);
      assert.equal(result.problems[0]!.code, 'PLAN_STALE');
      assert.match(result.problems[0]!.title, c.title);
      assert.match(result.problems[0]!.detail!, c.detail);
      assert.match(result.problems[0]!.hint!, /aktin-sftp plan/);
    });
  }

  it('resumes its own partial application although ledger and folder moved', () => {
    const state = current({
      ledger: { ...ledger, serial: 5, plan: PLAN_ID },
      listing: { files: [...listing.files, { name: 'export_6.zip', size: 1, mtime: 1 }] },
    });
    assert.deepEqual(checkPlanFreshness(plan, state), { mode: 'resume' });
  });

  it('still refuses to resume when the broker moved meanwhile', () => {
    const state = current({ broker: { tag: 'rki', requests: [snapshot.requests[0]!] }, ledger: { ...ledger, plan: PLAN_ID } });
    assert.equal(checkPlanFreshness(plan, state).mode, 'stale');
  });
  describe('names the requests it does not act on that moved', () => {
    // Request 7 is recorded and unchanged when planned, so the plan leaves it alone.
    const recorded = { id: '7', completion: '0.5', uploaded: '2024-05-01 10:00:00', fingerprint: 'd'.repeat(64) };
    const seven = { id: '7', completion: '0.5', fingerprint: 'd'.repeat(64), nodes: 2, completed: 1 };
    const planned: Observation = {
      ...base,
      broker: { tag: 'rki', requests: [...snapshot.requests, seven] },
      ledger: { ...base.ledger, ledger: { ...ledger, entries: [recorded] } },
      listing: { files: [...listing.files, { name: 'export_7.zip', size: 140, mtime: 100 }] },
    };
    const quiet = planWith([...plan.actions], inputsOf(planned));
    const cases: { name: string; requests: BrokerSnapshot['requests']; detail: RegExp; only?: string[] }[] = [
      { name: 'its completion changed', requests: [...snapshot.requests, { ...seven, completion: '1.0', completed: 2 }], detail: /request 7 has completion 1\.0 now, 0\.5 when planned/ },
      { name: 'new node results, same ratio', requests: [...snapshot.requests, { ...seven, fingerprint: 'e'.repeat(64) }], detail: /request 7 has new node results/ },
      { name: 'it vanished', requests: [...snapshot.requests], detail: /request 7 is no longer listed/ },
      { name: 'a new request appeared', requests: [...snapshot.requests, seven, { id: '9', completion: '0.0', fingerprint: 'f'.repeat(64), nodes: 1, completed: 0 }], detail: /request 9 is new \(completion 0\.0\)/ },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const result = checkPlanFreshness(quiet, { ...planned, broker: { tag: 'rki', requests: c.requests } });
        assert.equal(result.mode, 'stale');
        if (result.mode !== 'stale') return;
        assert.match(result.problems[0]!.detail!, c.detail);
        assert.doesNotMatch(result.problems[0]!.detail!, /does not act on/);
      });
    }
    it('a targeted plan names only its own requests', () => {
      const targeted = { ...quiet, options: { ...quiet.options, only: ['2', '6'] } };
      const moved = { ...planned, broker: { tag: 'rki', requests: [...snapshot.requests, { ...seven, completion: '1.0', completed: 2 }] } };
      const result = checkPlanFreshness(targeted, moved);
      assert.equal(result.mode, 'stale');
      if (result.mode !== 'stale') return;
      assert.doesNotMatch(result.problems[0]!.detail!, /request 7/);
    });
  });
});

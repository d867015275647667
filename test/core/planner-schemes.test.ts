/**
 * The planner with a public-key scheme: uploads get the scheme's suffix, a live entry's file is
 * found under its own scheme's name, temp files and orphans of every suffix are recognised, and
 * the plan names its scheme (only then: a Fernet plan is as before).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planChanges, type PlannerInput } from '../../src/core/planner.js';
import { brokerRequest as req, plannerInput, remoteFile as file, trackedEntry as tracked, type WorldSketch } from '../support/builders.js';

const KEY = 'crypt4gh:0123456789abcdef';

function withScheme(world: WorldSketch): PlannerInput {
  const input = plannerInput(world);
  return { ...input, context: { ...input.context, encryption: { scheme: 'crypt4gh', key_id: '0123456789abcdef' } } };
}

function planned(input: PlannerInput): { lines: string[]; encryption: unknown } {
  const outcome = planChanges(input);
  if (!outcome.ok) assert.fail(outcome.problems.map((p) => p.title).join('\n'));
  return { lines: outcome.value.actions.map((a) => `${a.kind} ${a.reason} ${a.address}`), encryption: outcome.value.encryption };
}

describe('planner: remote names follow the scheme', () => {
  it('uploads a new request as export_<id>.zip.c4gh and names the scheme in the plan', () => {
    const { lines, encryption } = planned(withScheme({ requests: [req('7')] }));
    assert.deepEqual(lines, ['create new_request export_7.zip.c4gh', 'publish_ledger ledger_changed status.xml']);
    assert.deepEqual(encryption, { scheme: 'crypt4gh', key_id: '0123456789abcdef' });
  });

  it('finds a sealed entry under its own name: in place, nothing to do; missing, replaced', () => {
    const entries = [tracked('7', '1.0', { key: KEY })];
    assert.deepEqual(planned(withScheme({ requests: [req('7')], entries, files: [file('export_7.zip.c4gh')], ledgerSha256: null })).lines, []);
    assert.deepEqual(planned(withScheme({ requests: [req('7')], entries, ledgerSha256: null })).lines, ['replace remote_missing export_7.zip.c4gh', 'publish_ledger ledger_changed status.xml']);
  });

  it("deletes a gone request's file under its own scheme's name", () => {
    const { lines } = planned(withScheme({ requests: [req('1')], entries: [tracked('1', '1.0', { key: KEY }), tracked('7', '1.0', { key: 'age:0123456789abcdef' })], files: [file('export_1.zip.c4gh'), file('export_7.zip.age')], ledgerSha256: null }));
    assert.deepEqual(lines, ['delete request_gone export_7.zip.age', 'publish_ledger ledger_changed status.xml']);
  });

  it('removes stray temp files and, with --prune-orphans, orphans of every suffix', () => {
    const files = [file('.export_3.zip.c4gh.0a1b2c3d.part'), file('export_1.zip.c4gh'), file('export_4.zip.age'), file('export_5.zip.c4gh')];
    const { lines } = planned(withScheme({ requests: [req('1')], entries: [tracked('1', '1.0', { key: KEY })], files, options: { prune_orphans: true }, ledgerSha256: null }));
    assert.deepEqual(lines, [
      'remove_temp stray_temp_file .export_3.zip.c4gh.0a1b2c3d.part',
      'remove_orphan orphan_file export_4.zip.age',
      'remove_orphan orphan_file export_5.zip.c4gh',
      'publish_ledger ledger_changed status.xml',
    ]);
  });

  it('holds a request whose name a directory occupies', () => {
    const input = withScheme({ requests: [req('7')] });
    const blocked = { ...input, observation: { ...input.observation, listing: { ...input.observation.listing, obstacles: [{ name: 'export_7.zip.c4gh', type: 'directory' as const }] } } };
    assert.deepEqual(planned(blocked).lines, []);
  });

  it('leaves a Fernet plan without the encryption field', () => {
    assert.equal(planned(plannerInput({ requests: [req('7')] })).encryption, undefined);
  });

  it('re-encrypts a file sealed for another recipient set: a rotation is an update with its own reason', () => {
    const entries = [tracked('7', '1.0', { key: 'crypt4gh:ffffffffffffffff' })];
    const { lines } = planned(withScheme({ requests: [req('7')], entries, files: [file('export_7.zip.c4gh')], ledgerSha256: null }));
    assert.deepEqual(lines, ['update recipients_changed export_7.zip.c4gh', 'publish_ledger ledger_changed status.xml']);
  });

  it('a Fernet key change re-encrypts the files that name another key, and only then pins the key in the plan', () => {
    const fernet = (input: PlannerInput, key_id: string): PlannerInput => ({ ...input, context: { ...input.context, encryption: { scheme: 'fernet', key_id } } });
    const world = {
      requests: [req('6'), req('7'), req('8')],
      // 6: written by the original tool (no key), 7: sealed by the key configured now, 8: by an older key.
      entries: [tracked('6'), tracked('7', '1.0', { key: 'fernet:1111111111111111' }), tracked('8', '1.0', { key: 'fernet:2222222222222222' })],
      files: [file('export_6.zip'), file('export_7.zip'), file('export_8.zip')],
      ledgerSha256: null,
    };
    const rotated = planned(fernet(plannerInput(world), '1111111111111111'));
    assert.deepEqual(rotated.lines, ['update key_changed export_8.zip', 'publish_ledger ledger_changed status.xml']);
    assert.deepEqual(rotated.encryption, { scheme: 'fernet', key_id: '1111111111111111' });
    // Nothing to re-seal: the plan is as a Fernet plan always was.
    const current = planned(fernet(plannerInput({ requests: world.requests.slice(0, 2), entries: world.entries.slice(0, 2), files: world.files.slice(0, 2), ledgerSha256: null }), '1111111111111111'));
    assert.deepEqual(current, { lines: [], encryption: undefined });
    // The key file is not there (a CI plan job): no change of key can be seen.
    assert.deepEqual(planned(plannerInput(world)), { lines: [], encryption: undefined });
  });

  it('switches Fernet to Crypt4GH in one plan: new names uploaded, old files removed after, not counted as deletions', () => {
    const input = withScheme({ requests: [req('7'), req('8')], entries: [tracked('7'), tracked('8')], files: [file('export_7.zip'), file('export_8.zip')], ledgerSha256: null, options: { max_delete: 0 } });
    const outcome = planChanges(input);
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.value.actions.map((a) => `${a.kind} ${a.reason} ${a.address} ${a.precondition.remote.state}`), [
      'update scheme_changed export_7.zip.c4gh absent',
      'update scheme_changed export_8.zip.c4gh absent',
      'remove_orphan superseded_file export_7.zip present',
      'remove_orphan superseded_file export_8.zip present',
      'publish_ledger ledger_changed status.xml absent',
    ]);
    assert.deepEqual(outcome.value.summary, { add: 0, change: 3, destroy: 2, publish_ledger: true });
  });

  it('removes an old-name file a crashed switch left once the new file is recorded', () => {
    const entries = [tracked('7', '1.0', { key: KEY })];
    assert.deepEqual(planned(withScheme({ requests: [req('7')], entries, files: [file('export_7.zip'), file('export_7.zip.c4gh')], ledgerSha256: null })).lines, [
      'remove_orphan superseded_file export_7.zip',
      'publish_ledger ledger_changed status.xml',
    ]);
  });

  it('switches back to Fernet: the age file is re-sealed as export_<id>.zip', () => {
    const entries = [tracked('7', '1.0', { key: 'age:0123456789abcdef' })];
    assert.deepEqual(planned(plannerInput({ requests: [req('7')], entries, files: [file('export_7.zip.age')], ledgerSha256: null })).lines, [
      'update scheme_changed export_7.zip',
      'remove_orphan superseded_file export_7.zip.age',
      'publish_ledger ledger_changed status.xml',
    ]);
  });

  it('--replace re-uploads named live requests for any reason; --replace-all every one; a name without a file is refused', () => {
    const world = { requests: [req('7'), req('8')], entries: [tracked('7'), tracked('8')], files: [file('export_7.zip'), file('export_8.zip')], ledgerSha256: null };
    assert.deepEqual(planned(plannerInput({ ...world, options: { replace: ['8'] } })).lines, ['replace replace_requested export_8.zip', 'publish_ledger ledger_changed status.xml']);
    assert.deepEqual(planned(plannerInput({ ...world, options: { replace: 'all' } })).lines, [
      'replace replace_requested export_7.zip',
      'replace replace_requested export_8.zip',
      'publish_ledger ledger_changed status.xml',
    ]);
    const refused = planChanges(plannerInput({ ...world, options: { replace: ['9'] } }));
    assert.ok(!refused.ok);
    assert.deepEqual(refused.problems.map((p) => `${p.code} ${p.title}`), ['USAGE --replace 9: request 9 has no file to replace']);
  });
});

/**
 * Every JSON output of the CLI, made by the real commands on real parts (broker emulator over
 * HTTP, the in-process SFTP server, the ledger file), is valid against its schema in schemas/,
 * and each schema rejects a broken document (so these checks can fail). With --log-format json
 * every stderr line is a log event of schemas/log-event.schema.json; stdout keeps the document.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { check, jsonLines, OUTPUT_SCHEMAS } from '../support/json-schemas.js';
import { startCliFixture, type CliFixture } from '../support/cli-fixture.js';

type Doc = Record<string, unknown>;

describe('JSON outputs and their schemas', () => {
  let fixture: CliFixture;
  const cli = (...args: string[]) => fixture.cli(...args);
  const valid = (schema: string, document: unknown) => assert.deepEqual(check(schema, document), [], `${schema}: ${JSON.stringify(document, null, 2)}`);
  const events = (stderr: string) => {
    const lines = jsonLines(stderr) as Doc[];
    for (const line of lines) valid('log-event.schema.json', line);
    return lines;
  };
  /** A document the schema must refuse: one required field gone, one unknown field added. */
  const broken = (schema: string, document: Doc, remove: string) => {
    const { [remove]: _gone, ...rest } = document;
    assert.notDeepEqual(check(schema, rest), [], `${schema} accepts a document without ${remove}`);
    assert.notDeepEqual(check(schema, { ...document, surprise: 1 }), [], `${schema} accepts an unknown field`);
  };

  before(async () => {
    fixture = await startCliFixture('json-schemas');
  });
  after(async () => {
    await fixture?.close();
  });

  it('plan --json, plan -o and show --format json / --json: the plan document', async () => {
    const plan = await cli('plan', '--json', '--log-format', 'json');
    assert.equal(plan.code, 0, plan.err);
    const document = JSON.parse(plan.out) as Doc;
    valid('plan.schema.json', document);
    broken('plan.schema.json', document, 'actions');
    events(plan.err); // warnings only, if any, and each one a log event

    const saved = await cli('plan', '-o', 'plan.json');
    assert.equal(saved.code, 0, saved.err);
    for (const flags of [['--format', 'json'], ['--json']]) {
      const show = await cli('show', 'plan.json', ...flags);
      assert.equal(show.code, 0, show.err);
      valid('plan.schema.json', JSON.parse(show.out));
    }
  });

  it('apply --json --log-format json: the report on stdout, one event per line on stderr', async () => {
    const run = await cli('apply', '--auto-approve', '--json', '--log-format', 'json');
    assert.equal(run.code, 0, run.err);
    const report = JSON.parse(run.out) as Doc;
    valid('apply-report.schema.json', report);
    broken('apply-report.schema.json', report, 'ledger_published');
    assert.equal((report.done as unknown[]).length, 2, 'two uploads (the ledger upload is ledger_published)');

    const lines = events(run.err);
    assert.ok(!run.err.includes('\x1b['), 'no colour, no progress display');
    const done = lines.filter((l) => l.event === 'action_done' && l.kind === 'create');
    assert.equal(done.length, 2, run.err);
    for (const line of done) {
      assert.match(String(line.request_id), /^\d+$/);
      assert.ok(typeof line.bytes === 'number' && line.bytes > 0);
      assert.equal(line.level, 'info');
    }
    assert.equal(lines.filter((l) => l.event === 'action_start').length, 3);
    const summary = lines.filter((l) => l.event === 'apply_summary');
    assert.equal(summary.length, 1);
    assert.equal(summary[0]!.plan_id, report.plan_id);
    assert.deepEqual([summary[0]!.done, summary[0]!.failed, summary[0]!.ledger_published], [3, 0, true], 'actions done, the ledger upload included');
    assert.deepEqual(summary[0]!.actions, { create: 2, publish_ledger: 1 });
    assert.equal(summary[0]!.bytes, done.reduce((sum, l) => sum + (l.bytes as number), 0), 'the bytes of the exports');
    broken('log-event.schema.json', summary[0]!, 'plan_id');

    const again = await cli('apply', '--auto-approve', '--json', '--log-format', 'json');
    assert.equal(again.code, 0, again.err);
    const nothing = JSON.parse(again.out) as Doc;
    valid('apply-report.schema.json', nothing);
    assert.deepEqual(nothing.done, []);
    assert.deepEqual(events(again.err).map((l) => l.event).filter((e) => e !== 'warning'), ['apply_summary']);
  });

  it('ledger --json and validate --json', async () => {
    const ledger = await cli('ledger', '--json');
    assert.equal(ledger.code, 0, ledger.err);
    const listing = JSON.parse(ledger.out) as Doc;
    valid('ledger.schema.json', listing);
    assert.equal((listing.entries as unknown[]).length, 2);
    broken('ledger.schema.json', listing, 'serial');

    const validate = await cli('validate', '--json');
    assert.equal(validate.code, 0, validate.err);
    const report = JSON.parse(validate.out) as Doc;
    valid('validate.schema.json', report);
    broken('validate.schema.json', report, 'lock');
    assert.notDeepEqual(check('validate.schema.json', { ...report, valid: false }), []);
  });

  it('drift --json, with findings', async () => {
    rmSync(join(fixture.sftp.root, 'rki', 'export_0.zip'));
    const drift = await cli('drift', '--json', '--log-format', 'json');
    assert.equal(drift.code, 2, drift.err);
    const report = JSON.parse(drift.out) as Doc;
    valid('drift-report.schema.json', report);
    assert.deepEqual((report.items as Doc[]).map((i) => i.kind), ['missing']);
    broken('drift-report.schema.json', report, 'items');
    const item = (report.items as Doc[])[0]!;
    assert.notDeepEqual(check('drift-report.schema.json', { ...report, items: [{ ...item, kind: 'lost' }] }), []);
    events(drift.err);
  });

  it('a failure with --json and --log-format json: problems on stdout, one problem line each on stderr', async () => {
    const run = await cli('apply', 'no-such-plan.json', '--json', '--log-format', 'json');
    assert.equal(run.code, 64, run.err);
    const problems = JSON.parse(run.out) as Doc;
    valid('problems.schema.json', problems);
    broken('problems.schema.json', problems, 'problems');
    const lines = events(run.err);
    assert.deepEqual(lines.map((l) => [l.event, l.level, l.code]), [['problem', 'error', 'PLAN_INVALID']]);
    assert.match(String(lines[0]!.message), /no-such-plan\.json/);
  });

  it('--log-format takes text or json, refused before anything runs', async () => {
    const run = await cli('apply', '--auto-approve', '--log-format', 'yaml');
    assert.equal(run.code, 64);
    assert.match(run.err, /--log-format must be text or json, got "yaml"/);
    const usage = await cli('plan', '--log-format', 'json', '--bogus');
    assert.equal(usage.code, 64);
    assert.deepEqual(events(usage.err).map((l) => [l.event, l.code]), [['problem', 'USAGE']]);
  });

  it('covers every output schema', () => {
    assert.deepEqual(OUTPUT_SCHEMAS, [
      'apply-report.schema.json',
      'drift-report.schema.json',
      'ledger.schema.json',
      'log-event.schema.json',
      'plan.schema.json',
      'problems.schema.json',
      'validate.schema.json',
      'watch-health.schema.json',
    ]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { renderLedgerDiff } from '../../src/cli/render-ledger-diff.js';
import { formatLedgerXml } from '../../src/adapters/ledger/xml.js';
import { previewLedger } from '../../src/core/ledger-transitions.js';
import type { Ledger } from '../../src/core/model.js';
import { planChanges } from '../../src/core/planner.js';
import { brokerRequest as req, exportFiles, legacyEntry, plannerInput, type WorldSketch } from '../support/builders.js';

const plain = new Chalk({ level: 0 });

/** As the plan use case hands it over: the ledger's text now and after the plan ('' for no ledger yet). */
function diffOf(world: WorldSketch, ledger?: Ledger, chalk = plain): string {
  const input = plannerInput(world);
  const observation = ledger ? { ...input.observation, ledger: { ledger, sha256: null } } : input.observation;
  const outcome = planChanges({ ...input, observation });
  assert.ok(outcome.ok);
  const before = observation.ledger.ledger;
  const text = (l: Ledger) => (l.entries.length === 0 && l.lineage === undefined ? '' : formatLedgerXml(l));
  return renderLedgerDiff({ before: text(before), after: text(previewLedger(before, outcome.value)) }, outcome.value.created_at, chalk);
}

describe('renderLedgerDiff', () => {
  const run2: WorldSketch = { requests: [req('2', '0.5'), req('6', '0.0')], entries: [legacyEntry('0'), legacyEntry('2')], files: exportFiles('0', '2') };

  it('shows the ledger change entry by entry, with file headers only and the root line unchanged', () => {
    const text = diffOf(run2);
    const lines = text.split('\n');
    assert.deepEqual(lines.slice(0, 3), ['--- a/status.xml', '+++ b/status.xml', '@@ -1,4 +1,5 @@']);
    assert.equal(lines[3], ' <status lineage="5c1f7d2a-8e43-4b0b-9d6e-2f0a3c4b5d6e" serial="2">');
    assert.ok(lines.includes('-  <request-status><id>0</id><completion>1.0</completion><uploaded>2026-01-01 00:00:00</uploaded></request-status>'));
    assert.ok(lines.some((l) => /^\+ {2}<request-status plan="[^"]+"><id>0<\/id>.*<deleted>2026-11-24 10:00:00<\/deleted><\/request-status>$/.test(l)));
    assert.ok(lines.some((l) => /^\+ {2}<request-status [^>]*><id>2<\/id><completion>0\.5<\/completion><uploaded>2026-01-01 00:00:00<\/uploaded><last-update>2026-11-24 10:00:00<\/last-update>/.test(l)));
    assert.ok(lines.some((l) => /^\+ {2}<request-status [^>]*><id>6<\/id><completion>0\.0<\/completion><uploaded>2026-11-24 10:00:00<\/uploaded><\/request-status>$/.test(l)));
    assert.ok(!text.includes('token-size'), 'token sizes are known only after apply');
    assert.match(lines.at(-2)!, /^Times are the plan's \(2026-11-24T10:00:00\.000Z\)/);
  });

  it('shows a first ledger as all new lines', () => {
    const text = diffOf({ requests: [req('6')] }, { serial: 0, entries: [] });
    assert.match(text, /^@@ -0,0 \+1,3 @@$/m);
    assert.match(text, /^\+<status>$/m);
    assert.match(text, /^\+ {2}<request-status [^>]*><id>6<\/id>/m);
  });

  it('colours added lines green and removed lines red, not the headers', () => {
    const chalk = new Chalk({ level: 1 });
    const text = diffOf(run2, undefined, chalk);
    const red = chalk.red('-  <request-status><id>0</id><completion>1.0</completion><uploaded>2026-01-01 00:00:00</uploaded></request-status>');
    assert.ok(text.split('\n').includes(red));
    assert.ok(text.startsWith('--- a/status.xml\n+++ b/status.xml\n'));
    assert.match(text, new RegExp(`\\u001b\\[32m\\+ {2}<request-status`));
  });
});

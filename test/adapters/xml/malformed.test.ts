/**
 * A corpus of malformed documents, each refused by both readers: the broker's answers
 * (BROKER_PROTOCOL naming the call) and the ledger (LEDGER_CORRUPT naming the file). The
 * hand-written cursor these readers replaced accepted several of them ("]]>" in text, U+FFFE,
 * a declaration after a comment, an undeclared prefix); the broker reader skipped the UTF-8 and
 * control-character checks. Each document carries a marker that no message may quote.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseRequestIds, parseStatusList } from '../../../src/adapters/broker/xml.js';
import { createLedgerStore } from '../../../src/adapters/ledger/index.js';
import { isProblemError, type ProblemError } from '../../../src/core/problem.js';
import { failure } from '../../support/problems.js';
import { tempDir } from '../../support/temp-dir.js';

const NS = 'http://aktin.org/ns/exchange';
const SECRET = 'gAAAAABsecretKeyMaterial0123456789';
const CALL = 'GET /broker/request/7/status';

/** Where a case puts its flaw: before the root, on the root, as an element's name or text, after the root. */
interface Parts {
  prolog?: string;
  attrs?: string;
  element?: string;
  text?: string;
  tail?: string;
  /** Bytes: the UTF-8 of "é" in the text replaced by a byte pair that is not UTF-8. */
  broken?: boolean;
}

const broker = ({ prolog = '', attrs = '', element = 'type', text = 'text/plain', tail = '' }: Parts) =>
  `${prolog}<request-status-list xmlns="${NS}"${attrs}><request-status-info><node>1</node><${element}>${text}</${element}></request-status-info></request-status-list>${tail}`;
const ledger = ({ prolog = '', attrs = '', element = 'completion', text = '1.0', tail = '' }: Parts) =>
  `${prolog}<status${attrs}><request-status><id>1</id><${element}>${text}</${element}><uploaded>2026-01-01 00:00:00</uploaded></request-status></status>${tail}`;

function bytesOf(text: string, parts: Parts): Buffer {
  const buf = Buffer.from(text, 'utf8');
  if (parts.broken) buf[buf.indexOf(Buffer.from('é')) + 1] = 0x28;
  return buf;
}

const laughs = `<!DOCTYPE r [<!ENTITY a "${SECRET}">${['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((e, i) => `<!ENTITY ${e} "${`&${'abcdefghij'[i]};`.repeat(10)}">`).join('')}]>`;

const cases: [string, Parts, RegExp][] = [
  ['"]]>" in text', { text: `1]]>${SECRET}` }, /"\]\]>" in text/],
  ['U+0001 in text', { text: `1\u0001${SECRET}` }, /a control character that XML does not allow/],
  ['U+FFFE in text (valid UTF-8, not an XML character)', { text: `1\uFFFE${SECRET}` }, /a character that XML does not allow/],
  ['a character reference to U+0001', { text: `1&#1;${SECRET}` }, /a reference to an invalid character/],
  ['bytes that are not UTF-8', { text: `1é${SECRET}`, broken: true }, /is not UTF-8 text/],
  ['an XML declaration after a comment', { prolog: `<!-- ${SECRET} --><?xml version="1.0"?>` }, /an XML declaration that is not at the start/],
  ['an undeclared element prefix', { element: `p:${SECRET}` }, /a namespace prefix that is not declared/],
  ['an undeclared attribute prefix', { attrs: ` p:${SECRET}="1"` }, /a namespace prefix that is not declared/],
  ['a prefix undeclared with xmlns:p=""', { attrs: ' xmlns:p=""' }, /a namespace declaration that XML does not allow/],
  ['an unknown entity', { text: `&${'secret'};` }, /a reference to an unknown entity/],
  ['entities that expand a billion times', { prolog: laughs, text: '&j;' }, /a DOCTYPE is not allowed in (a broker answer|a ledger)/],
  ['an external entity', { prolog: '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>', text: '&x;' }, /a DOCTYPE is not allowed in (a broker answer|a ledger)/],
  ['a mismatched end tag', { text: `1</${SECRET}>` }, /the end tag does not match </],
  ['"--" inside a comment', { text: `1<!-- a -- ${SECRET} -->` }, /"--" inside a comment/],
  ['a second root', { tail: `<${SECRET}/>` }, /content after the end of the root element/],
];

function assertQuiet(e: ProblemError): void {
  const all = e.problems.map((p) => `${p.title}\n${p.detail ?? ''}\n${p.hint ?? ''}`).join('\n') + e.message;
  assert.ok(!all.includes(SECRET) && !all.includes('secret') && !all.includes('passwd'), all);
}

describe('malformed XML: refused by the broker reader and the ledger reader', () => {
  for (const [name, parts, reason] of cases) {
    it(`refuses ${name} in a broker answer, naming the call`, () => {
      assert.throws(
        () => parseStatusList(bytesOf(broker(parts), parts), CALL),
        (e: unknown) => {
          assert.ok(isProblemError(e), String(e));
          assert.equal(e.code, 'BROKER_PROTOCOL');
          assert.match(e.message, new RegExp(CALL));
          assert.match(e.problems[0]!.detail ?? '', /^the response is not XML \(line \d+, column \d+: /);
          assert.match(e.problems[0]!.detail ?? '', reason);
          assertQuiet(e);
          return true;
        },
      );
    });

    it(`refuses ${name} in a ledger, naming the file`, async (t) => {
      const dir = tempDir('xml-malformed', t);
      writeFileSync(join(dir, 'status.xml'), bytesOf(ledger(parts), parts));
      const e = await failure(createLedgerStore(dir).read());
      assert.equal(e.code, 'LEDGER_CORRUPT');
      assert.match(e.message, new RegExp(`${join(dir, 'status.xml')}`));
      assert.match(e.problems[0]!.detail ?? '', /^line \d+, column \d+: /);
      assert.match(e.problems[0]!.detail ?? '', reason);
      assertQuiet(e);
    });
  }

  it('refuses a malformed request list the same way', () => {
    const list = `<request-list xmlns="${NS}"><request id="1"/><request id="2">a]]>b</request></request-list>`;
    assert.throws(() => parseRequestIds(list, 'GET /broker/request/filtered'), (e: unknown) => isProblemError(e) && e.code === 'BROKER_PROTOCOL' && /"\]\]>" in text/.test(e.problems[0]!.detail ?? ''));
  });
});

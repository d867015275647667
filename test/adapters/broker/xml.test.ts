import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestIds, parseStatusList } from '../../../src/adapters/broker/xml.js';
import { isProblemError } from '../../../src/core/problem.js';

const NS = 'http://aktin.org/ns/exchange';
const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
const protocolError = (fragment: RegExp) => (e: unknown) => isProblemError(e) && e.code === 'BROKER_PROTOCOL' && fragment.test(`${e.message} ${e.problems[0]!.detail}`);

describe('broker XML: request lists', () => {
  it('reads the id attribute of every request child as a string, in document order', () => {
    const xml = `${DECL}<request-list xmlns="${NS}"><request id="0"><targeted>false</targeted></request><request id="12"><published>2024-05-01T10:00:00Z</published><targeted>false</targeted></request><request id="3"/></request-list>`;
    assert.deepEqual(parseRequestIds(xml, 'GET /x'), ['0', '12', '3']);
    assert.deepEqual(parseRequestIds(`${DECL}<request-list xmlns="${NS}"/>`, 'GET /x'), []);
  });

  it('is namespace-aware by URI, whatever the prefix', () => {
    assert.deepEqual(parseRequestIds(`<a:request-list xmlns:a="${NS}"><a:request id="3"/></a:request-list>`, 'GET /x'), ['3']);
    assert.deepEqual(parseRequestIds(`<ns2:request-list xmlns:ns2="${NS}"><ns2:request id="4"/><other id="9"/></ns2:request-list>`, 'GET /x'), ['4'], 'only request children count');
    assert.throws(() => parseRequestIds('<request-list xmlns="urn:other"><request id="3"/></request-list>', 'GET /x'), protocolError(/not in the namespace/));
    assert.throws(() => parseRequestIds('<request-list><request id="3"/></request-list>', 'GET /x'), protocolError(/not in the namespace/));
    assert.throws(() => parseRequestIds(`<request-status-list xmlns="${NS}"/>`, 'GET /x'), protocolError(/expected a <request-list> document/));
  });

  it('refuses ids that are not decimal request ids, and duplicates', () => {
    for (const id of ['../1', '-1', '1.0', '', '0x1', '01', '1e3']) {
      assert.throws(() => parseRequestIds(`<request-list xmlns="${NS}"><request id="${id}"/></request-list>`, 'GET /x'), protocolError(/is not a number/), id);
    }
    assert.throws(() => parseRequestIds(`<request-list xmlns="${NS}"><request/></request-list>`, 'GET /x'), protocolError(/is not a number/));
    assert.throws(() => parseRequestIds(`<request-list xmlns="${NS}"><request id="2"/><request id="2"/></request-list>`, 'GET /x'), protocolError(/listed twice/));
  });
});

describe('broker XML: status lists', () => {
  it('reads status rows with every state and the message type', () => {
    const xml = `${DECL}<request-status-list xmlns="${NS}"><request-status-info><node>0</node><retrieved>2024-05-01T10:01:00Z</retrieved><completed>2024-05-01T10:04:00.123456Z</completed></request-status-info><request-status-info><node>1</node><deleted>2024-05-01T09:00:00Z</deleted><failed>2024-05-01T10:05:00Z</failed><interaction>2024-05-01T10:06:00Z</interaction><type>text/plain</type></request-status-info><request-status-info><node>2</node></request-status-info></request-status-list>`;
    assert.deepEqual(parseStatusList(xml, 'GET /s'), [
      { node: '0', states: { retrieved: '2024-05-01T10:01:00Z', completed: '2024-05-01T10:04:00.123456Z' } },
      { node: '1', states: { deleted: '2024-05-01T09:00:00Z', failed: '2024-05-01T10:05:00Z', interaction: '2024-05-01T10:06:00Z' }, messageType: 'text/plain' },
      { node: '2', states: {} },
    ]);
    assert.deepEqual(parseStatusList(`<request-status-list xmlns="${NS}"/>`, 'GET /s'), [], 'an unknown request: no rows');
  });

  it('reads a prefixed document by its namespace', () => {
    const xml = `<ns2:request-status-list xmlns:ns2="${NS}"><ns2:request-status-info><ns2:node>7</ns2:node><ns2:completed>2024-05-01T10:04:00Z</ns2:completed></ns2:request-status-info></ns2:request-status-list>`;
    assert.deepEqual(parseStatusList(xml, 'GET /s'), [{ node: '7', states: { completed: '2024-05-01T10:04:00Z' } }]);
  });

  it('refuses rows without a node, times that are not instants', () => {
    assert.throws(() => parseStatusList(`<request-status-list xmlns="${NS}"><request-status-info><completed>2024-05-01T10:04:00Z</completed></request-status-info></request-status-list>`, 'GET /s'), protocolError(/no node id/));
    for (const time of ['2024-05-01 10:04:00', '2024-05-01T10:04:00+02:00', '1714557840', '2024-05-01T10:04:00.1234567890Z']) {
      const xml = `<request-status-list xmlns="${NS}"><request-status-info><node>0</node><completed>${time}</completed></request-status-info></request-status-list>`;
      assert.throws(() => parseStatusList(xml, 'GET /s'), protocolError(/not an ISO-8601 UTC instant/), time);
    }
  });

  it('names a node id that is there but not decimal, rather than calling it missing', () => {
    const cases: [string, RegExp][] = [
      ['0x10', /has node id "0x10", which is not a decimal id/],
      ['-1', /has node id "-1", which is not a decimal id/],
      // A raw control character is not XML at all: refused before the node id is read, never echoed.
      ['\u001b[2J', /not XML \(line 1, column \d+: a control character that XML does not allow\)/],
      ['', /has no node id/],
    ];
    for (const [node, message] of cases) {
      const xml = `<request-status-list xmlns="${NS}"><request-status-info><node>${node}</node></request-status-info></request-status-list>`;
      assert.throws(() => parseStatusList(xml, 'GET /s'), protocolError(message), node);
    }
  });

  it('refuses a DOCTYPE (no entity expansion), an HTML error page, and oversized bodies', () => {
    assert.throws(() => parseStatusList(`<!DOCTYPE x [<!ENTITY a "b">]><request-status-list xmlns="${NS}"/>`, 'GET /s'), protocolError(/DOCTYPE/));
    assert.throws(() => parseStatusList('<html><body>Error 500</body></html>', 'GET /s'), protocolError(/expected a <request-status-list>/));
    assert.throws(() => parseStatusList('Error 500', 'GET /s'), protocolError(/GET \/s/));
    assert.throws(() => parseStatusList(`<request-status-list xmlns="${NS}">${' '.repeat(17 * 1024 * 1024)}</request-status-list>`, 'GET /s'), protocolError(/larger than/));
  });
});

describe('broker XML: namespaces, markup and malformed answers', () => {
  const row = (inner: string, attrs = '') => `<request-status-info${attrs}>${inner}</request-status-info>`;
  const list = (inner: string, attrs = ` xmlns="${NS}"`) => `<request-status-list${attrs}>${inner}</request-status-list>`;
  const COMPLETED = '2024-05-01T10:04:00Z';

  const read: [string, string | Buffer, unknown][] = [
    ['a namespace declared on a row', `<a:request-status-list xmlns:a="${NS}">${row(`<node>3</node><completed>${COMPLETED}</completed>`, ` xmlns="${NS}"`)}</a:request-status-list>`, [{ node: '3', states: { completed: COMPLETED } }]],
    ['a prefix declared on a row, used by it and its children', list(`<x:request-status-info xmlns:x="${NS}"><x:node>3</x:node><completed>${COMPLETED}</completed></x:request-status-info>`), [{ node: '3', states: { completed: COMPLETED } }]],
    ['a prefixed child that maps to another URI is skipped', list(row(`<node>3</node><o:completed xmlns:o="urn:other">not a time</o:completed><o:type xmlns:o="urn:other">x</o:type>`)), [{ node: '3', states: {} }]],
    ['a row whose default namespace is another URI is skipped', list(row('<node>3</node>', ' xmlns="urn:other"')), []],
    ['nested unknown elements in a row', list(row(`<node>3</node><extra a="1"><completed>not a time</completed><deeper><node>9</node></deeper></extra><type>t</type>`)), [{ node: '3', states: {}, messageType: 't' }]],
    ['CDATA in text, trimmed with the text around it', list(row('<node><![CDATA[ 3 ]]></node><type> a<![CDATA[&<b>]]> </type>')), [{ node: '3', states: {}, messageType: 'a&<b>' }]],
    ['predefined entities and character references in text', list(row('<node>&#51;</node><type>a&amp;b&#x41;&lt;&gt;&quot;&apos;</type>')), [{ node: '3', states: {}, messageType: `a&bA<>"'` }]],
    ['comments and processing instructions between rows and inside values', list(`<!-- a -->${row('<!-- b --><node>3<!-- c --></node>')}<?pi x?>\n  ${row('<node>4</node>')}<!-- d -->`), [{ node: '3', states: {} }, { node: '4', states: {} }]],
    ['a BOM, a declaration and a comment after the root', `\uFEFF${DECL}\n${list(row('<node>3</node>'))}\n<!-- end -->\n`, [{ node: '3', states: {} }]],
    ['bytes as well as text', Buffer.from(list(row('<node>3</node><type>é</type>')), 'utf8'), [{ node: '3', states: {}, messageType: 'é' }]],
  ];
  for (const [name, xml, want] of read) {
    it(`reads ${name}`, () => assert.deepEqual(parseStatusList(xml, 'GET /s'), want));
  }

  it('reads request ids in a namespace declared on the request, and a padded id as the old parser did', () => {
    assert.deepEqual(parseRequestIds(`<request-list xmlns="${NS}"><x:request xmlns:x="${NS}" id=" 5 "><x:targeted>false</x:targeted></x:request><request xmlns="urn:other" id="6"/></request-list>`, 'GET /x'), ['5']);
    assert.deepEqual(parseRequestIds(Buffer.from(`<request-list xmlns="${NS}"><request id="7"><request id="1"/></request></request-list>`), 'GET /x'), ['7'], 'a nested request is not a child of the list');
  });

  const refused: [string, string, RegExp][] = [
    ['an unclosed tag', list(row('<node>3</node>')).replace('</request-status-info>', ''), /not XML \(line 1, column \d+: the end tag does not match <request-status-info>\)/],
    ['a mismatched end tag', list(row('<node>3</nod>')), /not XML \(line 1, column \d+: the end tag does not match <node>\)/],
    ['an answer that ends inside an element', `<request-status-list xmlns="${NS}">${row('<node>3</node>')}`, /not XML \(line 1, column \d+: the answer ends inside an element\)/],
    ['an answer that ends inside a start tag', `<request-status-list xmlns="${NS}"`, /the answer ends inside a start tag/],
    ['two roots', list('') + list(''), /not XML \(line 1, column \d+: content after the end of the root element\)/],
    ['garbage after the root', `${list('')}\nError`, /not XML \(line 2, column 1: content after the end of the root element\)/],
    ['a "<" in an attribute', `<request-status-list xmlns="${NS}" a="<"/>`, /not XML \(line 1, column \d+: "<" inside an attribute value\)/],
    ['an unknown entity', list(row('<node>3</node><type>&nbsp;</type>')), /not XML \(.*unknown entity/],
    ['a DOCTYPE, in the answer\'s words', `<!DOCTYPE x><request-status-list xmlns="${NS}"/>`, /not XML \(line 1, column 1: a DOCTYPE is not allowed in a broker answer\)/],
    ['an empty answer', '', /not XML \(line 1, column 1: the answer holds no element\)/],
    ['an HTML page that is not XML', '<html><body><br></body></html>', /not XML/],
    ['a row with a field twice', list(row('<node>3</node><type>a</type><type>b</type>')), /a request-status-info has more than one <type>/],
  ];
  for (const [name, xml, detail] of refused) {
    it(`refuses ${name} as BROKER_PROTOCOL naming GET /s`, () => {
      assert.throws(
        () => parseStatusList(xml, 'GET /s'),
        (e: unknown) => isProblemError(e) && e.code === 'BROKER_PROTOCOL' && e.message.includes('GET /s') && detail.test(e.problems[0]!.detail ?? ''),
      );
    });
  }
});

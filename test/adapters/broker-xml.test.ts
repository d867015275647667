import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestIds, parseStatusList } from '../../src/adapters/broker-xml.js';
import { isProblemError } from '../../src/core/problem.js';

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

  it('refuses a DOCTYPE (no entity expansion), an HTML error page, and oversized bodies', () => {
    assert.throws(() => parseStatusList(`<!DOCTYPE x [<!ENTITY a "b">]><request-status-list xmlns="${NS}"/>`, 'GET /s'), protocolError(/DOCTYPE/));
    assert.throws(() => parseStatusList('<html><body>Error 500</body></html>', 'GET /s'), protocolError(/expected a <request-status-list>/));
    assert.throws(() => parseStatusList('Error 500', 'GET /s'), protocolError(/GET \/s/));
    assert.throws(() => parseStatusList(`<request-status-list xmlns="${NS}">${' '.repeat(17 * 1024 * 1024)}</request-status-list>`, 'GET /s'), protocolError(/larger than/));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestIds, parseStatusList } from '../../src/adapters/broker-xml.js';
import { isProblemError } from '../../src/core/problem.js';

const NS = 'http://aktin.org/ns/exchange';
const protocolError = (e: unknown) => isProblemError(e) && e.code === 'BROKER_PROTOCOL';

describe('broker XML', () => {
  it('reads the ids of a request list as strings', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><request-list xmlns="${NS}"><request id="0"><targeted>false</targeted></request><request id="12"><published>2024-05-01T10:00:00Z</published><targeted>false</targeted></request></request-list>`;
    assert.deepEqual(parseRequestIds(xml, 'GET /x'), ['0', '12']);
    assert.deepEqual(parseRequestIds(`<request-list xmlns="${NS}"/>`, 'GET /x'), []);
  });

  it('is namespace-aware by URI, whatever the prefix', () => {
    const prefixed = `<a:request-list xmlns:a="${NS}"><a:request id="3"/></a:request-list>`;
    assert.deepEqual(parseRequestIds(prefixed, 'GET /x'), ['3']);
    assert.throws(() => parseRequestIds('<request-list xmlns="urn:other"><request id="3"/></request-list>', 'GET /x'), protocolError);
    assert.throws(() => parseRequestIds('<request-list><request id="3"/></request-list>', 'GET /x'), protocolError);
  });

  it('reads status rows with every state and the message type', () => {
    const xml = `<request-status-list xmlns="${NS}"><request-status-info><node>0</node><retrieved>2024-05-01T10:01:00Z</retrieved><completed>2024-05-01T10:04:00Z</completed></request-status-info><request-status-info><node>1</node><failed>2024-05-01T10:05:00Z</failed><type>text/plain</type></request-status-info><request-status-info><node>2</node></request-status-info></request-status-list>`;
    assert.deepEqual(parseStatusList(xml, 'GET /s'), [
      { node: '0', states: { retrieved: '2024-05-01T10:01:00Z', completed: '2024-05-01T10:04:00Z' } },
      { node: '1', states: { failed: '2024-05-01T10:05:00Z' }, messageType: 'text/plain' },
      { node: '2', states: {} },
    ]);
  });

  it('refuses a DOCTYPE (no entity expansion), bad ids, an HTML error page, and oversized bodies', () => {
    assert.throws(() => parseStatusList(`<!DOCTYPE x [<!ENTITY a "b">]><request-status-list xmlns="${NS}"/>`, 'GET /s'), protocolError);
    assert.throws(() => parseRequestIds(`<request-list xmlns="${NS}"><request id="../1"/></request-list>`, 'GET /x'), protocolError);
    assert.throws(() => parseStatusList('<html><body>Error 500</body></html>', 'GET /s'), protocolError);
    assert.throws(() => parseStatusList(`<request-status-list xmlns="${NS}">${' '.repeat(17 * 1024 * 1024)}</request-status-list>`, 'GET /s'), protocolError);
  });
});

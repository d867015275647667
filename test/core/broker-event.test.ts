import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_FRAME_CHARS, eventRequestId, parseBrokerFrame, type BrokerEvent } from '../../src/core/broker-event.js';

const known: [string, BrokerEvent][] = [
  ['welcome Admin', { kind: 'welcome', name: 'Admin' }],
  ['welcome Test Admin', { kind: 'welcome', name: 'Test Admin' }],
  ['created 0', { kind: 'created', requestId: '0' }],
  ['published 17', { kind: 'published', requestId: '17' }],
  ['closed 123456789012345678', { kind: 'closed', requestId: '123456789012345678' }],
  ['status 4 0 completed', { kind: 'status', requestId: '4', node: '0', status: 'completed' }],
  ['status 4 12 interaction', { kind: 'status', requestId: '4', node: '12', status: 'interaction' }],
  ['result 4 1 application/zip', { kind: 'result', requestId: '4', node: '1', mediaType: 'application/zip' }],
  ['result 4 1 text/csv; charset=UTF-8', { kind: 'result', requestId: '4', node: '1', mediaType: 'text/csv; charset=UTF-8' }],
  ['result 9 0 application/vnd.aktin.result+xml', { kind: 'result', requestId: '9', node: '0', mediaType: 'application/vnd.aktin.result+xml' }],
  ['resource 2 site-info', { kind: 'resource', node: '2', resource: 'site-info' }],
  ['pong 42', { kind: 'pong', payload: '42' }],
  ['pong ', { kind: 'pong', payload: '' }],
  ['pong a b', { kind: 'pong', payload: 'a b' }],
];

const hostile: [string, string][] = [
  ['', 'empty'],
  [' ', 'a lone space'],
  ['created', 'no id'],
  ['created ', 'empty id'],
  ['created  1', 'two spaces'],
  ['created 1 ', 'trailing space'],
  [' created 1', 'leading space'],
  ['created 01', 'leading zero'],
  ['created -1', 'negative'],
  ['created 1.5', 'not an integer'],
  ['created 1e3', 'exponent'],
  ['created 0x10', 'hex'],
  ['created 1234567890123456789', 'more than 18 digits'],
  ['created ../1', 'a path'],
  ['created 1\n', 'a newline'],
  ['created 1\u0000', 'a NUL'],
  ['created ١', 'non-ASCII digit'],
  ['Created 1', 'capitalised word'],
  ['CREATED 1', 'upper case'],
  ['deleted 1', 'an unknown word'],
  ['status 1 0', 'status without a state'],
  ['status 1 0 completed extra', 'status with a fourth field'],
  ['status 1  0 completed', 'status with two spaces'],
  ['status 1 x completed', 'status with a bad node id'],
  ['status 1 0 Completed!', 'status with a bad word'],
  ['result 1 0', 'result without a type'],
  ['result 1 0 ', 'result with an empty type'],
  ['result 1 0 zip', 'result with a type without a slash'],
  ['result x 0 text/csv', 'result with a bad id'],
  ['result 1 0 text/csv\tx', 'a tab'],
  ['resource 1', 'resource without an id'],
  ['welcome', 'welcome without a name'],
  ['welcome  Admin', 'welcome with two spaces'],
  ['pong', 'pong without a payload'],
  [`created ${'9'.repeat(MAX_FRAME_CHARS)}`, 'huge'],
  [`pong ${'x'.repeat(10 * MAX_FRAME_CHARS)}`, 'a huge pong'],
  ['{"kind":"created","id":1}', 'JSON'],
  ['\u{1F600} 1', 'an emoji'],
];

describe('parseBrokerFrame', () => {
  for (const [frame, expected] of known) {
    it(`reads ${JSON.stringify(frame)}`, () => assert.deepEqual(parseBrokerFrame(frame), expected));
  }

  it('makes every hostile frame unknown, never throwing', () => {
    for (const [frame, what] of hostile) {
      const event = parseBrokerFrame(frame);
      assert.equal(event.kind, 'unknown', `${what}: ${JSON.stringify(frame.slice(0, 40))}`);
      assert.ok(event.kind === 'unknown' && event.reason.length > 0 && event.reason.length < 100, what);
    }
  });

  it('survives values that are not strings at all', () => {
    for (const value of [undefined, null, 1, {}, Buffer.from('created 1')]) {
      assert.equal(parseBrokerFrame(value as unknown as string).kind, 'unknown');
    }
  });

  it('names the unknown word, but not a hostile one', () => {
    assert.deepEqual(parseBrokerFrame('deleted 1'), { kind: 'unknown', reason: 'unknown word "deleted"' });
    assert.deepEqual(parseBrokerFrame('<script> 1'), { kind: 'unknown', reason: 'no known word' });
  });

  it('gives the request id of request events only', () => {
    assert.equal(eventRequestId(parseBrokerFrame('status 7 0 failed')), '7');
    assert.equal(eventRequestId(parseBrokerFrame('result 8 0 text/csv')), '8');
    assert.equal(eventRequestId(parseBrokerFrame('created 9')), '9');
    assert.equal(eventRequestId(parseBrokerFrame('pong 9')), undefined);
    assert.equal(eventRequestId(parseBrokerFrame('resource 9 x')), undefined);
    assert.equal(eventRequestId(parseBrokerFrame('nonsense')), undefined);
  });
});

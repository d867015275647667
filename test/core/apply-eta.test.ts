/**
 * The time an apply still needs, as a table: from no telling yet to done.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { remainingMs, type ApplyPace } from '../../src/core/apply-eta.js';

const MiB = 1024 * 1024;

describe('time left of an apply', () => {
  const cases: [string, ApplyPace, number | undefined][] = [
    ['no actions', { elapsedMs: 10_000, actions: 0, finished: 0, inFlight: [] }, undefined],
    ['no bytes yet', { elapsedMs: 10_000, actions: 1, finished: 0, inFlight: [{ bytes: 0, expectedBytes: 10 * MiB }] }, undefined],
    ['an upload of unknown size in flight, nothing finished', { elapsedMs: 10_000, actions: 2, finished: 0, inFlight: [{ bytes: 5 * MiB }] }, undefined],
    ['half of the one upload after 10 s', { elapsedMs: 10_000, actions: 1, finished: 0, inFlight: [{ bytes: 5 * MiB, expectedBytes: 10 * MiB }] }, 10_000],
    ['one of two actions after 10 s', { elapsedMs: 10_000, actions: 2, finished: 1, inFlight: [] }, 10_000],
    ['one and a half of four after 15 s', { elapsedMs: 15_000, actions: 4, finished: 1, inFlight: [{ bytes: 1, expectedBytes: 2 }] }, 25_000],
    ['three of four after 30 s', { elapsedMs: 30_000, actions: 4, finished: 3, inFlight: [] }, 10_000],
    ['half done, but under a second in', { elapsedMs: 400, actions: 2, finished: 1, inFlight: [] }, undefined],
    ['more bytes than expected count as that upload done, not more', { elapsedMs: 10_000, actions: 2, finished: 0, inFlight: [{ bytes: 30, expectedBytes: 10 }] }, 10_000],
    ['every action finished', { elapsedMs: 20_000, actions: 3, finished: 3, inFlight: [] }, 0],
  ];
  for (const [name, pace, want] of cases) {
    it(`${name}: ${want === undefined ? 'no estimate' : `${want / 1000} s`}`, () => {
      const got = remainingMs(pace);
      if (want === undefined) assert.equal(got, undefined);
      else {
        assert.ok(got !== undefined, 'an estimate');
        assert.ok(Math.abs(got - want) < 1, `${got} ms, expected ${want}`);
      }
    });
  }
});

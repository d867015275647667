import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration } from '../../src/core/duration.js';
import { nextLockPoll } from '../../src/core/lock-wait.js';

describe('parseDuration (--lock-timeout)', () => {
  const accepted: [string, number][] = [
    ['0', 0], ['00', 0], ['0s', 0], ['500ms', 500], ['30s', 30_000], ['5m', 300_000], ['1h', 3_600_000], ['1h30m', 5_400_000], ['2m5s', 125_000], [' 30s ', 30_000], ['24h', 86_400_000],
  ];
  for (const [text, ms] of accepted) it(`reads ${JSON.stringify(text)} as ${ms} ms`, () => assert.deepEqual(parseDuration('--lock-timeout', text), { ok: true, ms }));

  const refused: [string, RegExp][] = [
    ['30', /needs its unit/], ['', /Units/], ['abc', /Units/], ['-5s', /Units/], ['1.5s', /Units/], ['5 m', /Units/], ['5d', /Units/], ['30S', /Units/], ['25h', /At most 24h/], ['s', /Units/], ['5m-', /Units/],
  ];
  for (const [text, why] of refused) {
    it(`refuses ${JSON.stringify(text)} as a usage error naming the option`, () => {
      const read = parseDuration('--lock-timeout', text);
      assert.equal(read.ok, false);
      if (read.ok) return;
      assert.equal(read.problem.code, 'USAGE');
      assert.match(read.problem.title, /^--lock-timeout must be a duration like 30s, 5m or 1h30m, got /);
      assert.match(read.problem.detail ?? '', why);
    });
  }

  const shown: [number, string][] = [[0, '0ms'], [250, '250ms'], [1500, '1.5s'], [30_000, '30s'], [90_000, '1m30s'], [300_000, '5m'], [5_400_000, '1h30m'], [3_600_000, '1h']];
  for (const [ms, text] of shown) it(`shows ${ms} ms as ${text}`, () => assert.equal(formatDuration(ms), text));
});

describe('nextLockPoll: when to look at a held lock again', () => {
  const cases: { attempt: number; waited: number; timeout: number; want: number | null }[] = [
    { attempt: 1, waited: 0, timeout: 30_000, want: 100 },
    { attempt: 2, waited: 100, timeout: 30_000, want: 200 },
    { attempt: 4, waited: 700, timeout: 30_000, want: 800 },
    { attempt: 7, waited: 6300, timeout: 30_000, want: 5000 }, // capped
    { attempt: 60, waited: 20_000, timeout: 30_000, want: 5000 }, // no overflow however long
    { attempt: 9, waited: 29_000, timeout: 30_000, want: 1000 }, // the last look falls on the deadline
    { attempt: 9, waited: 30_000, timeout: 30_000, want: null },
    { attempt: 9, waited: 31_000, timeout: 30_000, want: null },
    { attempt: 1, waited: 0, timeout: 50, want: 50 },
  ];
  for (const c of cases) {
    it(`attempt ${c.attempt}, ${c.waited} of ${c.timeout} ms waited: ${c.want ?? 'give up'}`, () => assert.equal(nextLockPoll(c.attempt, c.waited, c.timeout), c.want));
  }

  it('sums to the timeout exactly: the wait never overruns', () => {
    let waited = 0;
    let attempt = 1;
    for (let delay = nextLockPoll(attempt, waited, 30_000); delay !== null; delay = nextLockPoll(++attempt, waited, 30_000)) waited += delay;
    assert.equal(waited, 30_000);
    assert.ok(attempt < 20, `${attempt} looks in 30 s`);
  });
});

/**
 * The pace rules of a bundle download on a hand-driven clock: silence for TIMEOUT fails, a window
 * of 3 × TIMEOUT below 1 KiB/s fails, a steady transfer never does however long, and time the
 * consumer holds the stream back counts for neither rule.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pace } from '../../../src/adapters/broker/pace.js';

const TIMEOUT = 10_000;
const paced = () => {
  const clock = { now: 0 };
  return { clock, pace: new Pace(TIMEOUT, () => clock.now) };
};

describe('download pace', () => {
  it('fails after TIMEOUT without a byte', () => {
    const { clock, pace } = paced();
    clock.now = 9_999;
    assert.equal(pace.verdict(), undefined);
    clock.now = 10_000;
    assert.equal(pace.verdict(), 'no data for 10 s');
  });

  it('fails a drip of one byte every half second after one window', () => {
    const { clock, pace } = paced();
    let verdict: string | undefined;
    while (verdict === undefined && clock.now < 120_000) {
      clock.now += 500;
      pace.received(1);
      verdict = pace.verdict();
    }
    assert.equal(clock.now, 30_000);
    assert.match(verdict!, /^only 60 bytes in 30 s \(3 × TIMEOUT\), less than the 1 KiB\/s/);
  });

  it('lets a slow but steady transfer run for an hour', () => {
    const { clock, pace } = paced();
    for (; clock.now < 3_600_000; clock.now += 1_000) {
      pace.received(1_100);
      assert.equal(pace.verdict(), undefined, `at ${clock.now} ms`);
    }
  });

  it('does not count time the consumer holds the stream back', () => {
    const { clock, pace } = paced();
    pace.received(100);
    pace.hold();
    clock.now = 600_000; // ten minutes behind a slow upload
    assert.equal(pace.verdict(), undefined);
    pace.want();
    clock.now += 9_000;
    assert.equal(pace.verdict(), undefined, 'nine seconds of waiting, not ten minutes');
    clock.now += 1_000;
    assert.equal(pace.verdict(), 'no data for 10 s');
  });

  it('judges each window on its own bytes', () => {
    const { clock, pace } = paced();
    clock.now = 5_000;
    pace.received(40 * 1024); // a burst, then a trickle
    for (let t = 6_000; t <= 30_000; t += 1_000) {
      clock.now = t;
      pace.received(10);
      assert.equal(pace.verdict(), undefined);
    }
    for (let t = 31_000; t < 60_000; t += 1_000) {
      clock.now = t;
      pace.received(10);
      assert.equal(pace.verdict(), undefined);
    }
    clock.now = 60_000;
    pace.received(10);
    assert.match(pace.verdict()!, /^only 300 bytes in 30 s/);
  });
});

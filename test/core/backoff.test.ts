import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, EQUAL_JITTER, type Backoff } from '../../src/core/backoff.js';

const watch: Backoff = { firstMs: 1000, maxMs: 60_000, jitter: EQUAL_JITTER };
const lock: Backoff = { firstMs: 100, maxMs: 5000, jitter: 0 };
const full: Backoff = { firstMs: 250, maxMs: 60_000, jitter: 1 };

describe('backoffDelay: the one backoff formula', () => {
  const cases: { name: string; backoff: Backoff; step: number; random: number; want: number }[] = [
    { name: 'equal jitter, first step, lowest draw: half the ceiling', backoff: watch, step: 0, random: 0, want: 500 },
    { name: 'equal jitter, first step, highest draw: the ceiling', backoff: watch, step: 0, random: 0.999999, want: 1000 },
    { name: 'equal jitter doubles per step', backoff: watch, step: 3, random: 0.5, want: 6000 },
    { name: 'equal jitter is capped, however many steps', backoff: watch, step: 40, random: 1, want: 60_000 },
    { name: 'a negative step is the first step', backoff: watch, step: -1, random: 0, want: 500 },
    { name: 'no jitter: the draw changes nothing', backoff: lock, step: 2, random: 0.9, want: 400 },
    { name: 'no jitter, capped', backoff: lock, step: 60, random: 0, want: 5000 },
    { name: 'full jitter, lowest draw: no wait', backoff: full, step: 2, random: 0, want: 0 },
    { name: 'full jitter, middle draw: half the ceiling', backoff: full, step: 2, random: 0.5, want: 500 },
    { name: 'broker retry 2 of 3 (base 250 ms): [250, 500)', backoff: { firstMs: 250, maxMs: 60_000, jitter: EQUAL_JITTER }, step: 1, random: 0.2, want: 300 },
    { name: 'SSH connect, second retry (base 500 ms): [500, 1000)', backoff: { firstMs: 500, maxMs: 60_000, jitter: EQUAL_JITTER }, step: 1, random: 0, want: 500 },
  ];
  for (const c of cases) it(`${c.name} → ${c.want} ms`, () => assert.equal(backoffDelay(c.step, c.backoff, c.random), c.want));

  it('stays within [ceiling × (1 − jitter), ceiling] for any draw', () => {
    for (const jitter of [0, 0.25, EQUAL_JITTER, 1]) {
      for (let step = 0; step < 8; step++) {
        const ceiling = Math.min(60_000, 1000 * 2 ** step);
        for (const random of [0, 0.1, 0.5, 0.9, 0.999999]) {
          const ms = backoffDelay(step, { firstMs: 1000, maxMs: 60_000, jitter }, random);
          assert.ok(ms >= Math.floor(ceiling * (1 - jitter)) && ms <= ceiling, `jitter ${jitter}, step ${step}, draw ${random}: ${ms} ms`);
        }
      }
    }
  });
});

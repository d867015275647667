import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProblemError, problem } from '../../src/core/problem.js';
import { cycleLogLine, type CycleReport } from '../../src/core/watch-cycle.js';

const base: CycleReport = { trigger: 'events', scope: ['4'], attempt: 1, startedAtMs: 0, durationMs: 1234, outcome: { ok: true, result: { actions: {}, bytes: 0 } } };

describe('cycleLogLine', () => {
  it('names the trigger, the ids, the actions, the duration and the lag', () => {
    assert.equal(
      cycleLogLine({ ...base, scope: ['4', '10'], eventLagMs: 3210, outcome: { ok: true, result: { actions: { upload: 2, delete: 0, ledger: 1 }, bytes: 9 } } }),
      'watch: events cycle for requests 4, 10: 2 upload, 1 ledger in 1.2 s, 3.2 s after the first event',
    );
    assert.equal(cycleLogLine({ ...base, trigger: 'resync', scope: 'all' }), 'watch: resync cycle for all requests: no changes in 1.2 s');
    assert.equal(cycleLogLine(base), 'watch: events cycle for request 4: no changes in 1.2 s');
  });

  it('shortens a long list of ids', () => {
    const ids = Array.from({ length: 25 }, (_, i) => String(i));
    assert.match(cycleLogLine({ ...base, scope: ids }), /requests 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 15 more:/);
  });

  it('says why a cycle failed and when it is retried', () => {
    const locked = new ProblemError(problem('LEDGER_LOCKED', 'The ledger is locked by another apply'));
    assert.equal(
      cycleLogLine({ ...base, attempt: 3, outcome: { ok: false, error: locked, retryInMs: 4000 } }),
      "watch: events cycle for request 4 (attempt 3) waits for another run's lock (1.2 s): LEDGER_LOCKED: The ledger is locked by another apply; retry in 4.0 s",
    );
    const refused = new ProblemError(problem('REMOTE_CONNECTION', 'The SFTP server refused the connection'));
    assert.equal(
      cycleLogLine({ ...base, attempt: 3, outcome: { ok: false, error: refused, retryInMs: 4000 } }),
      'watch: events cycle for request 4 (attempt 3) failed after 1.2 s: REMOTE_CONNECTION: The SFTP server refused the connection; retry in 4.0 s',
    );
    assert.match(cycleLogLine({ ...base, outcome: { ok: false, error: new TypeError('x is undefined'), retryInMs: 500 } }), /unexpected error: x is undefined; retry in 0\.5 s$/);
    assert.match(cycleLogLine({ ...base, outcome: { ok: false, error: 'a string', retryInMs: 500 } }), /unexpected error: a string/);
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { completionOf, nodeCounts } from '../../src/core/completion.js';

// Produced once with Python 3.11:
//   python3 -c "print([str(round(c/n,2)) for n in range(1,13) for c in range(n+1)])"
const PYTHON = ["0.0", "1.0", "0.0", "0.5", "1.0", "0.0", "0.33", "0.67", "1.0", "0.0", "0.25", "0.5", "0.75", "1.0", "0.0", "0.2", "0.4", "0.6", "0.8", "1.0", "0.0", "0.17", "0.33", "0.5", "0.67", "0.83", "1.0", "0.0", "0.14", "0.29", "0.43", "0.57", "0.71", "0.86", "1.0", "0.0", "0.12", "0.25", "0.38", "0.5", "0.62", "0.75", "0.88", "1.0", "0.0", "0.11", "0.22", "0.33", "0.44", "0.56", "0.67", "0.78", "0.89", "1.0", "0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0", "0.0", "0.09", "0.18", "0.27", "0.36", "0.45", "0.55", "0.64", "0.73", "0.82", "0.91", "1.0", "0.0", "0.08", "0.17", "0.25", "0.33", "0.42", "0.5", "0.58", "0.67", "0.75", "0.83", "0.92", "1.0"];

describe('completionOf', () => {
  it('equals Python str(round(c/n, 2)) for every c/n with n ≤ 12', () => {
    const ours: string[] = [];
    for (let n = 1; n <= 12; n++) for (let c = 0; c <= n; c++) ours.push(completionOf(c, n));
    assert.deepEqual(ours, PYTHON);
  });

  it('equals Python for every c/n with n ≤ 1000 (digest of the whole table)', () => {
    // Produced once with Python 3.11:
    //   python3 -c "import hashlib; print(hashlib.sha256('\\n'.join(str(round(c/n,2)) for n in range(1,1001) for c in range(n+1)).encode()).hexdigest())"
    const lines: string[] = [];
    for (let n = 1; n <= 1000; n++) for (let c = 0; c <= n; c++) lines.push(completionOf(c, n));
    assert.equal(createHash('sha256').update(lines.join('\n')).digest('hex'), '40838761cb642cd249a1d01e8cebcd8430c3312d2ba98d2b573b2864aa70be41');
  });

  it('rounds the stored double, not the exact ratio: n = 40 (Python table)', () => {
    // python3 -c "print([str(round(c/40,2)) for c in range(41)])"
    const python = ['0.0', '0.03', '0.05', '0.07', '0.1', '0.12', '0.15', '0.17', '0.2', '0.23', '0.25', '0.28', '0.3', '0.33', '0.35', '0.38', '0.4', '0.42', '0.45', '0.47', '0.5', '0.53', '0.55', '0.57', '0.6', '0.62', '0.65', '0.68', '0.7', '0.72', '0.75', '0.78', '0.8', '0.82', '0.85', '0.88', '0.9', '0.93', '0.95', '0.97', '1.0'];
    assert.deepEqual(Array.from({ length: 41 }, (_, c) => completionOf(c, 40)), python);
  });

  it('refuses counts that are not non-negative integers (a bug, not a problem)', () => {
    for (const [c, n] of [[-1, 2], [1.5, 2], [1, Number.NaN]] as const) assert.throws(() => completionOf(c, n), /non-negative integers/);
  });

  it('breaks exact ties to even, unlike toFixed', () => {
    assert.equal(completionOf(1, 8), '0.12');
    assert.equal(completionOf(3, 8), '0.38');
    assert.equal(completionOf(5, 8), '0.62');
    assert.equal((0.125).toFixed(2), '0.13');
  });

  it('gives 0.0 for a request no node has touched', () => {
    assert.equal(completionOf(0, 0), '0.0');
  });

  it('counts status rows as nodes and completed timestamps as completed', () => {
    assert.deepEqual(
      nodeCounts([
        { node: '0', states: { retrieved: 't', completed: 't' } },
        { node: '1', states: { retrieved: 't' } },
        { node: '2', states: { completed: 't', failed: 't' } },
      ]),
      { nodes: 3, completed: 2 },
    );
  });
});

/**
 * The metrics textfile: replaced atomically (no temporary file left, a reader sees the old or the
 * new text), mode 0644 whatever the umask, a failure names the path; the earlier file is read
 * back so a failed run keeps the last success time.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readMetricsFile, writeMetricsFile } from '../../../src/adapters/files/metrics-file.js';
import { renderMetrics } from '../../../src/cli/render-metrics.js';
import { isProblemError } from '../../../src/core/problem.js';
import { METRIC, type RunMetrics } from '../../../src/core/run-metrics.js';
import { parseExposition, valueOf } from '../../support/prometheus-text.js';
import { tempDir } from '../../support/temp-dir.js';

const run: RunMetrics = { command: 'apply', exitCode: 0, succeeded: true, finishedAt: 1795600000, durationSeconds: 2.5, actionsDone: { create: 1 }, actionsFailed: 0, uploadedBytes: 4096 };

describe('metrics file', () => {
  it('writes the text with mode 0644 under umask 077 and leaves no temporary file', async (t) => {
    const dir = tempDir('metrics', t);
    const path = join(dir, 'aktin_sftp.prom');
    const old = process.umask(0o077);
    try {
      await writeMetricsFile(path, renderMetrics(run));
    } finally {
      process.umask(old);
    }
    assert.equal(statSync(path).mode & 0o777, 0o644);
    assert.deepEqual(readdirSync(dir), ['aktin_sftp.prom']);
    assert.equal(valueOf(parseExposition(readFileSync(path, 'utf8')), METRIC.uploadedBytes, { command: 'apply' }), 4096);
  });

  it('replaces an earlier file whole; a failed run carries its last success over', async (t) => {
    const path = join(tempDir('metrics', t), 'aktin_sftp.prom');
    assert.equal(await readMetricsFile(path), null, 'no file yet');
    await writeMetricsFile(path, renderMetrics(run));
    const failed: RunMetrics = { ...run, exitCode: 1, succeeded: false, finishedAt: 1795601800, actionsDone: {}, actionsFailed: 1 };
    await writeMetricsFile(path, renderMetrics(failed, await readMetricsFile(path)));
    const text = readFileSync(path, 'utf8');
    const m = parseExposition(text);
    assert.equal(valueOf(m, METRIC.lastSuccess, { command: 'apply' }), 1795600000);
    assert.equal(valueOf(m, METRIC.exitCode, { command: 'apply' }), 1);
    assert.equal(text.split('\n').filter((l) => l.startsWith(METRIC.exitCode)).length, 1, 'the old text is gone, not appended to');
  });

  it('a folder that does not exist: FILE_IO naming the path, nothing written', async (t) => {
    const dir = tempDir('metrics', t);
    const path = join(dir, 'missing', 'aktin_sftp.prom');
    await assert.rejects(writeMetricsFile(path, renderMetrics(run)), (e: unknown) => isProblemError(e) && e.code === 'FILE_IO' && e.message.includes(path));
    assert.deepEqual(readdirSync(dir), []);
  });

  it('a path that is a folder: FILE_IO, the temporary file removed again', async (t) => {
    const dir = tempDir('metrics', t);
    const path = join(dir, 'taken.prom');
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'x');
    await assert.rejects(writeMetricsFile(path, renderMetrics(run)), (e: unknown) => isProblemError(e) && e.code === 'FILE_IO');
    assert.deepEqual(readdirSync(dir), ['taken.prom']);
  });
});

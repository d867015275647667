import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportFileName, isTempFileName, requestIdOfExportFile, tempFileName } from '../../src/core/remote-names.js';

describe('remote names', () => {
  it('names an export as the original does', () => {
    assert.equal(exportFileName('2'), 'export_2.zip');
    assert.throws(() => exportFileName('../2'), /not a request id/);
  });

  it('reads the request id back only from an export name', () => {
    const cases: [string, string | null][] = [
      ['export_0.zip', '0'],
      ['export_17.zip', '17'],
      ['export_017.zip', null],
      ['export_1.zip.part', null],
      ['status.xml', null],
      ['.export_1.zip.0a1b2c3d.part', null],
    ];
    for (const [name, want] of cases) assert.equal(requestIdOfExportFile(name), want, name);
  });

  it('makes hidden temp names tied to the plan and recognises them', () => {
    const temp = tempFileName('export_2.zip', '0A1B2C3D-0000-4000-8000-000000000000');
    assert.equal(temp, '.export_2.zip.0a1b2c3d.part');
    assert.ok(isTempFileName(temp));
    assert.ok(isTempFileName(tempFileName('status.xml', '0a1b2c3d-0000-4000-8000-000000000000')));
    assert.ok(!isTempFileName('.export_2.zip.0a1b2c3.part'));
    assert.ok(!isTempFileName('.other.0a1b2c3d.part'));
  });
});

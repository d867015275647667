import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryFileName, exportFileName, isTempFileName, requestIdOfExportFile, requestIdOfTempFile, schemeOfExportFile, tempFileName } from '../../src/core/remote-names.js';

describe('remote names', () => {
  it('names an export as the original does', () => {
    assert.equal(exportFileName('2', 'fernet'), 'export_2.zip');
    assert.throws(() => exportFileName('../2', 'fernet'), /not a request id/);
  });

  it("adds the public-key scheme's usual suffix", () => {
    assert.equal(exportFileName('7', 'age'), 'export_7.zip.age');
    assert.equal(exportFileName('7', 'crypt4gh'), 'export_7.zip.c4gh');
    assert.equal(schemeOfExportFile('export_7.zip'), 'fernet');
    assert.equal(schemeOfExportFile('export_7.zip.age'), 'age');
    assert.equal(schemeOfExportFile('export_7.zip.c4gh'), 'crypt4gh');
    assert.equal(schemeOfExportFile('export_7.zip.gpg'), null);
  });

  it("names a ledger entry's file by the scheme of its key, Fernet without one", () => {
    assert.equal(entryFileName({ id: '3' }), 'export_3.zip');
    assert.equal(entryFileName({ id: '3', key: 'age:0123456789abcdef' }), 'export_3.zip.age');
    assert.equal(entryFileName({ id: '3', key: 'crypt4gh:0123456789abcdef' }), 'export_3.zip.c4gh');
  });

  it('reads the request id back only from an export name', () => {
    const cases: [string, string | null][] = [
      ['export_0.zip', '0'],
      ['export_17.zip', '17'],
      ['export_017.zip', null],
      ['export_1.zip.part', null],
      ['status.xml', null],
      ['.export_1.zip.0a1b2c3d.part', null],
      ['export_5.zip.age', '5'],
      ['export_5.zip.c4gh', '5'],
      ['export_5.zip.age.part', null],
      ['export_5.zip.crypt4gh', null],
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
    assert.equal(requestIdOfTempFile(tempFileName('export_9.zip.c4gh', '0a1b2c3d-0000-4000-8000-000000000000')), '9');
    assert.equal(requestIdOfTempFile('.export_9.zip.age.0a1b2c3d.part'), '9');
  });
});

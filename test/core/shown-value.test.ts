import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cutLong, escapeControlCharacters, shownPath, shownText, shownValue, SHOWN_CHARACTERS } from '../../src/core/shown-value.js';

describe('how values and paths are shown in messages', () => {
  const escapes: [string, string][] = [
    ['plain/path.toml', 'plain/path.toml'],
    ['x\u001b[31mred', 'x\\u001b[31mred'],
    ['a\nb\tc\rd', 'a\\nb\\tc\\rd'],
    ['nul\u0000', 'nul\\u0000'],
    ['del\u007f c1\u009b', 'del\\u007f c1\\u009b'],
    ['ü € "quoted" back\\slash', 'ü € "quoted" back\\slash'],
  ];
  for (const [raw, shown] of escapes) {
    it(`escapes ${JSON.stringify(raw)}`, () => assert.equal(escapeControlCharacters(raw), shown));
  }

  it('cuts a long value once, saying how long it was', () => {
    assert.equal(cutLong('abc', 5), 'abc');
    assert.equal(cutLong('abcdefgh', 5), 'abcde… (8 characters)');
    assert.equal(shownValue('0x10'), '"0x10"');
    assert.equal(shownValue('a"\u001b'), '"a\\"\\u001b"');
    assert.equal(shownValue('x'.repeat(100_000)), `"${'x'.repeat(SHOWN_CHARACTERS)}"… (100000 characters)`);
    assert.equal(shownPath(`/tmp/\u001b${'d'.repeat(300)}`).length, SHOWN_CHARACTERS + 6 + ' (306 characters)'.length);
  });

  it('a message: every long word cut, control characters escaped, line breaks kept only in blocks', () => {
    const folder = 'f'.repeat(100_000);
    const title = `[SFTP] FOLDERNAME ${folder} does not exist: ${folder}`;
    const shown = shownText(title);
    assert.equal(shown, `[SFTP] FOLDERNAME ${'f'.repeat(SHOWN_CHARACTERS)}… (100000 characters) does not exist: ${'f'.repeat(SHOWN_CHARACTERS)}… (100000 characters)`);
    assert.ok(shown.length < 700);
    assert.equal(shownText('one\ntwo\u001b'), 'one\\ntwo\\u001b');
    assert.equal(shownText('one\ntwo\u001b', { lines: true }), 'one\ntwo\\u001b');
  });
});

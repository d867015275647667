/**
 * The tag predicate: XPath 1.0 has no escapes, so quoting is chosen per tag. Each predicate is
 * also evaluated by the XPath engine the emulator uses, against a definition holding the tag.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tagPredicate } from '../../../src/adapters/broker/tag.js';
import { compilePredicate } from '../../../integration/broker-emulator/tag-filter.js';
import { queryRequestXml } from '../../../integration/broker-emulator/seed.js';

const cases: [string, string][] = [
  ['rki', "//tag='rki'"],
  ['a b', "//tag='a b'"],
  ['say "hi"', `//tag='say "hi"'`],
  ["it's", `//tag="it's"`],
  [`it's "x"`, `//tag=concat('it', "'", 's "x"')`],
  [`'"'`, `//tag=concat('', "'", '"', "'", '')`],
  ['a+b&<c>', "//tag='a+b&<c>'"],
];

describe('tagPredicate', () => {
  for (const [tag, predicate] of cases) {
    it(`${tag} → ${predicate}, matching that tag exactly`, () => {
      assert.equal(tagPredicate(tag), predicate);
      const matches = compilePredicate(predicate);
      assert.equal(matches(queryRequestXml([tag])), true);
      assert.equal(matches(queryRequestXml([`${tag}x`, 'other'])), false);
    });
  }
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SCHEMA_CHECKS, schemaCheckSource } from '../../integration/schema-checks.js';

describe('the precompiled schema checks', () => {
  for (const { schema, module } of SCHEMA_CHECKS) {
    it(`${module} is what ${schema} compiles to`, () => {
      const committed = readFileSync(new URL(`../../${module}`, import.meta.url), 'utf8');
      assert.ok(committed === schemaCheckSource(schema), `${module} is stale: run \`npm run generate:schema-checks\` and commit the result`);
    });
  }
});

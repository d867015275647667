/**
 * The JSON Schema checks the CLI runs on configuration files and saved plans, compiled ahead of
 * time into TypeScript modules with ajv's standalone code. Compiling the schemas at run time
 * (ajv itself, its meta-schema and the code generation) cost about 100 ms of CPU at the start of
 * every command that reads a configuration or a plan.
 *
 *   npm run generate:schema-checks     # after changing schemas/config.schema.json or schemas/plan.schema.json
 *
 * test/generated/schema-checks.test.ts fails when a committed module no longer matches its schema.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standalone from 'ajv/dist/standalone/index.js';

const ROOT = new URL('../', import.meta.url);

export const SCHEMA_CHECKS = [
  { schema: 'schemas/config.schema.json', module: 'src/generated/config-schema-check.ts' },
  { schema: 'schemas/plan.schema.json', module: 'src/generated/plan-file-schema-check.ts' },
] as const;

/** The module for one schema, with the same options the checks were compiled with at run time. */
export function schemaCheckSource(schemaFile: string): string {
  const ajv = new Ajv2020({ allErrors: true, strict: true, code: { source: true, esm: true } });
  const validate = ajv.compile(JSON.parse(readFileSync(new URL(schemaFile, ROOT), 'utf8')) as object);
  return [
    '// @ts-nocheck',
    `// Generated from ${schemaFile} by \`npm run generate:schema-checks\` (integration/schema-checks.ts): do not edit.`,
    // ajv's standalone ES module still calls require() for its runtime helpers (ucs2length).
    "import { createRequire } from 'node:module';",
    'const require = createRequire(import.meta.url);',
    standalone.default(ajv, validate).replace(/^"use strict";/, ''),
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { schema, module } of SCHEMA_CHECKS) {
    writeFileSync(new URL(module, ROOT), schemaCheckSource(schema));
    console.log(`${module} ← ${schema}`);
  }
}

/**
 * The published JSON Schemas of schemas/ compiled together (they refer to each other by $id),
 * as strictly as the CLI compiles the plan schema: a test checks an output with `check`, which
 * returns the schema's complaints (none when the document is valid).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';

const DIR = new URL('../../schemas/', import.meta.url);
const BASE = 'https://github.com/aktin/aktin-sftp/schemas/';

/** The schemas of outputs; config.schema.json describes an input. */
export const OUTPUT_SCHEMAS = readdirSync(DIR).filter((f) => f.endsWith('.schema.json') && f !== 'config.schema.json').sort();

const ajv = new Ajv2020({ allErrors: true, strict: true });
for (const file of OUTPUT_SCHEMAS) ajv.addSchema(JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as object);

export function check(schema: string, document: unknown): string[] {
  const validate = ajv.getSchema(BASE + schema);
  if (!validate) throw new Error(`no schema ${schema}`);
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is not valid'}`);
}

/** Every non-empty line of `text` as JSON. */
export function jsonLines(text: string): unknown[] {
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);
}

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

// src/core is the functional core: no I/O, no process, no clock, no randomness, and it never
// imports from the layers around it.
const FORBIDDEN = [
  /from ['"]node:(fs|net|http|https|child_process|os|readline|dns|tls)(\/promises)?['"]/,
  /from ['"](ssh2|yargs|chalk)['"]/,
  /from ['"]\.\.\/(app|cli|adapters)\//,
  /\bprocess\./,
  /\bDate\.now\(/,
  /new Date\(\)/,
  /Math\.random\(/,
  /randomUUID|randomBytes/,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('architecture', () => {
  it('keeps src/core free of side effects and outward imports', () => {
    const offences = sourceFiles('src/core').flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return FORBIDDEN.filter((re) => re.test(text)).map((re) => `${file}: ${re}`);
    });
    assert.deepEqual(offences, []);
  });

  it('never lets src/app import the CLI or src/adapters import each other', () => {
    const offences = [
      ...sourceFiles('src/app').filter((f) => /from ['"]\.\.\/cli\//.test(readFileSync(f, 'utf8'))),
      ...sourceFiles('src/adapters').filter((f) => /from ['"]\.\.\/(cli|app\/(?!ports))/.test(readFileSync(f, 'utf8'))),
    ];
    assert.deepEqual(offences, []);
  });
});

/**
 * Checks ledger text against schemas/ledger.xsd with libxml2 (xmllint compiled to WebAssembly).
 * Returns the schema's complaints, empty when valid. No longer on the read path (too slow and
 * too big for 100,000 entries): src/adapters/ledger/xml-read.ts checks the same rules in one
 * pass, and the tests hold the two to the same verdicts with this as the oracle.
 */
import { readFile } from 'node:fs/promises';
import { memoryPages, validateXML } from 'xmllint-wasm';

let schema: Promise<string> | undefined;

export async function ledgerSchemaErrors(text: string): Promise<string[]> {
  schema ??= readFile(new URL('../../schemas/ledger.xsd', import.meta.url), 'utf8');
  const result = await validateXML({
    xml: [{ fileName: 'status.xml', contents: text }],
    schema: [{ fileName: 'ledger.xsd', contents: await schema }],
    // Memory grows on demand; the default cap (32 MiB) is too small for very long ledgers.
    maxMemoryPages: memoryPages.GiB,
  });
  if (result.valid) return [];
  return result.errors
    .filter((e) => !e.message.includes('No precomputed value available')) // libxml2's echo of the error before it
    .map((e) => {
      const message = e.message.replace(/^Schemas validity error : /, '').trim();
      return e.loc ? `line ${e.loc.lineNumber}: ${message}` : message;
    });
}

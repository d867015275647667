/**
 * The armour of Crypt4GH key files: base64 between -----BEGIN LABEL----- and -----END LABEL-----
 * lines, the label checked against what the caller accepts (the reference ignores it; older
 * secret keys say ENCRYPTED PRIVATE KEY). Errors name the source and never quote the text.
 */
import { invalidKey } from '../codec-problems.js';

export function armoredBody(text: string, source: string, label: RegExp, what: string, usualLabel: string, hint: string): Buffer {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
  const begin = /^-----BEGIN (.+)-----$/.exec(lines[0] ?? '');
  const end = /^-----END (.+)-----$/.exec(lines.at(-1) ?? '');
  if (!begin || !end || begin[1] !== end[1] || !label.test(begin[1]!)) {
    throw invalidKey(source, `it is not ${what} file (expected -----BEGIN ${usualLabel}----- … -----END …-----)`, hint);
  }
  const base64 = lines.slice(1, -1).join('');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) throw invalidKey(source, 'its body is not base64', hint);
  return Buffer.from(base64, 'base64');
}

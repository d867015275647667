/**
 * What both readers check on the bytes before any markup: UTF-8 (the only encoding the ledger
 * and the broker write) and no C0 control character that XML 1.0 forbids. The parser refuses
 * such characters too; checked here first so the message gives the byte's place even where a
 * decoder would have replaced it.
 */
import { isUtf8 } from 'node:buffer';
import { XmlFormatError } from './format-error.js';

/** Throws XmlFormatError when `buf` is not UTF-8 or holds a forbidden control byte. */
export function checkXmlBytes(buf: Buffer, whole: string): void {
  if (!isUtf8(buf)) throw XmlFormatError.at(buf, firstNonUtf8(buf), `${whole} is not UTF-8 text`);
  const forbidden = firstForbiddenByte(buf);
  if (forbidden >= 0) throw XmlFormatError.at(buf, forbidden, 'a control character that XML does not allow');
}

/** The first byte that is not allowed in an XML 1.0 document (C0 controls other than tab, LF, CR). */
function firstForbiddenByte(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return i;
  }
  return -1;
}

/** Where the UTF-8 goes wrong, for the message (an error path: a second decode is fine). */
function firstNonUtf8(buf: Buffer): number {
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(buf);
  const bad = text.indexOf('\uFFFD');
  return bad < 0 ? 0 : Buffer.byteLength(text.slice(0, bad));
}

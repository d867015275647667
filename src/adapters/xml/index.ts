/** The XML family: a format, not a technology. The broker and the ledger families read their documents with it. */
export { firstForbiddenByte, XmlCursor, type StartTag, type XmlWording } from './cursor.js';
export { XmlFormatError } from './format-error.js';

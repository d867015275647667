/** The XML family: a format, not a technology. The broker and the ledger families read their documents with it. */
export { XmlFormatError } from './format-error.js';
export { StrictXmlReader, type XmlTag } from './strict-reader.js';

/**
 * The bytes are not the XML document expected (a ledger, a broker answer). The message is
 * "line L, column C: reason" and nothing else: the reason is fixed text of ours, never a quote
 * of the document (a ledger, or what a symlink in its place points at, may hold a secret).
 */
export class XmlFormatError extends Error {
  override readonly name = 'XmlFormatError';

  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
  }

  /** The error at byte `offset` of `buf`; the column counts characters, from 1. */
  static at(buf: Buffer, offset: number, reason: string): XmlFormatError {
    const at = Math.max(0, Math.min(offset, buf.length));
    let line = 1;
    let lineStart = 0;
    for (let i = buf.indexOf(0x0a); i >= 0 && i < at; i = buf.indexOf(0x0a, i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return new XmlFormatError(line, buf.toString('utf8', lineStart, at).length + 1, reason);
  }

  /** The error at character `offset` (UTF-16 units, as the parser counts) of the UTF-8 text in `buf`. */
  static atCharacter(buf: Buffer, offset: number, reason: string): XmlFormatError {
    const text = buf.toString('utf8'); // an error path: decoding the whole once is fine
    const at = Math.max(0, Math.min(offset, text.length));
    const lineStart = at === 0 ? 0 : text.lastIndexOf('\n', at - 1) + 1;
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < lineStart; i = text.indexOf('\n', i + 1)) line++;
    return new XmlFormatError(line, at - lineStart + 1, reason);
  }
}

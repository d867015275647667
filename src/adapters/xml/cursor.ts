/**
 * A one-pass XML cursor over the bytes of a document (the ledger, a broker answer): the subset
 * of XML 1.0 they can hold (declaration, comments, processing instructions, elements,
 * attributes, text, entity and character references, CDATA). No DOCTYPE: neither ever has one,
 * and refusing it rules out entity expansion. It works on the Buffer, so a 50 MB ledger is
 * never held as a second string and a broker answer is never decoded as a whole.
 *
 * Errors carry the byte offset; the message is built from a fixed reason and the position only,
 * never from the document's text (a ledger, or what a symlink points at, may hold a secret).
 */
import { XmlFormatError } from './format-error.js';

const LT = 0x3c, GT = 0x3e, SLASH = 0x2f, EQ = 0x3d, QUOT = 0x22, APOS = 0x27, AMP = 0x26, QMARK = 0x3f, BANG = 0x21;

export interface StartTag {
  readonly name: string;
  /** Attribute values by name, after normalisation and with references decoded. */
  readonly attributes: Record<string, string>;
  readonly attributeCount: number;
  readonly empty: boolean;
  readonly at: number;
}

/** How the messages name the document and the whole of its bytes. */
export interface XmlWording {
  /** "a ledger": "a DOCTYPE is not allowed in a ledger". */
  readonly document: string;
  /** "the file": "the file ends inside an element". */
  readonly whole: string;
}

export class XmlCursor {
  pos = 0;

  /** `names`: the element and attribute names expected, returned without decoding a string. */
  constructor(
    readonly buf: Buffer,
    private readonly names: readonly string[] = [],
    private readonly wording: XmlWording = { document: 'a ledger', whole: 'the file' },
  ) {}

  fail(reason: string, at = this.pos): never {
    throw XmlFormatError.at(this.buf, at, reason);
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  startsWith(text: string): boolean {
    for (let i = 0; i < text.length; i++) if (this.buf[this.pos + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  skipSpace(): void {
    const b = this.buf;
    while (this.pos < b.length && isSpace(b[this.pos]!)) this.pos++;
  }

  /** Skips a comment or processing instruction at pos; false when there is none. */
  skipMisc(): boolean {
    if (this.startsWith('<!--')) {
      const end = this.buf.indexOf('--', this.pos + 4);
      if (end < 0) this.fail('a comment is not closed');
      if (this.buf[end + 2] !== GT) this.fail('"--" inside a comment', end);
      this.pos = end + 3;
      return true;
    }
    if (this.startsWith('<?')) {
      const end = this.buf.indexOf('?>', this.pos + 2);
      if (end < 0) this.fail('a processing instruction is not closed');
      this.pos = end + 2;
      return true;
    }
    if (this.startsWith('<!DOCTYPE')) this.fail(`a DOCTYPE is not allowed in ${this.wording.document}`);
    return false;
  }

  /** Reads `<name attr="v" ...>` or `.../>` at pos. */
  startTag(): StartTag {
    const at = this.pos;
    if (this.buf[this.pos] !== LT) this.fail('expected an element');
    this.pos++;
    const name = this.name('an element name');
    const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
    let attributeCount = 0;
    for (;;) {
      const before = this.pos;
      this.skipSpace();
      const c = this.buf[this.pos];
      if (c === GT) return this.pos++, { name, attributes, attributeCount, empty: false, at };
      if (c === SLASH) {
        if (this.buf[this.pos + 1] !== GT) this.fail('expected "/>"');
        this.pos += 2;
        return { name, attributes, attributeCount, empty: true, at };
      }
      if (c === undefined) this.fail(`${this.wording.whole} ends inside a start tag`);
      if (before === this.pos) this.fail('expected a blank before an attribute');
      const attrAt = this.pos;
      const attr = this.name('an attribute name');
      this.skipSpace();
      if (this.buf[this.pos] !== EQ) this.fail('expected "=" after an attribute name');
      this.pos++;
      this.skipSpace();
      const quote = this.buf[this.pos];
      if (quote !== QUOT && quote !== APOS) this.fail('an attribute value must be quoted');
      const end = this.buf.indexOf(quote, this.pos + 1);
      if (end < 0) this.fail('an attribute value is not closed');
      const lt = indexWithin(this.buf, LT, this.pos + 1, end);
      if (lt >= 0) this.fail('"<" inside an attribute value', lt);
      // Attribute-value normalisation (XML 1.0 §3.3.3): literal tab, CR and LF read as a blank.
      const raw = this.decode(this.pos + 1, end).replace(/[\t\n\r]/g, ' ');
      if (attributes[attr] !== undefined) this.fail('an attribute appears twice in one element', attrAt);
      attributes[attr] = raw;
      attributeCount++;
      this.pos = end + 1;
    }
  }

  /**
   * Text content up to the next element or end tag, with references decoded and CDATA
   * unwrapped; comments and processing instructions inside are skipped, as XML says.
   */
  text(): string {
    let out = '';
    for (;;) {
      const lt = this.buf.indexOf(LT, this.pos);
      if (lt < 0) this.fail(`${this.wording.whole} ends inside an element`);
      if (lt > this.pos) out += this.decode(this.pos, lt);
      this.pos = lt;
      if (this.startsWith('<![CDATA[')) {
        const end = this.buf.indexOf(']]>', this.pos + 9);
        if (end < 0) this.fail('a CDATA section is not closed');
        out += this.buf.toString('utf8', this.pos + 9, end);
        this.pos = end + 3;
      } else if (this.buf[this.pos + 1] === BANG || this.buf[this.pos + 1] === QMARK) {
        if (!this.skipMisc()) this.fail('markup that is not allowed here');
      } else return out;
    }
  }

  /** Reads `</name>` at pos. */
  endTag(name: string): void {
    const at = this.pos;
    if (!this.startsWith('</')) this.fail(`expected the end tag of <${name}>`);
    this.pos += 2;
    if (this.name('an element name') !== name) this.fail(`the end tag does not match <${name}>`, at);
    this.skipSpace();
    if (this.buf[this.pos] !== GT) this.fail('expected ">"');
    this.pos++;
  }

  private name(what: string): string {
    const start = this.pos;
    const b = this.buf;
    while (this.pos < b.length && isNameByte(b[this.pos]!)) this.pos++;
    if (this.pos === start || isDigitDotDash(b[start]!)) this.fail(`expected ${what}`, start);
    const length = this.pos - start;
    for (const known of this.names) {
      if (known.length !== length) continue;
      let i = 0;
      while (i < length && b[start + i] === known.charCodeAt(i)) i++;
      if (i === length) return known;
    }
    return b.toString('utf8', start, this.pos);
  }

  private decode(start: number, end: number): string {
    // Searched within [start, end) only: a search to the end of a 50 MB file per value is quadratic.
    const amp = indexWithin(this.buf, AMP, start, end);
    if (amp < 0) return this.buf.toString('utf8', start, end);
    let out = '';
    let from = start;
    for (let i = amp; i >= 0; i = indexWithin(this.buf, AMP, from, end)) {
      out += this.buf.toString('utf8', from, i);
      const semi = this.buf.indexOf(0x3b, i);
      if (semi < 0 || semi >= end || semi - i > 12) this.fail('an "&" that does not start a reference', i);
      out += this.reference(this.buf.toString('latin1', i + 1, semi), i);
      from = semi + 1;
    }
    return out + this.buf.toString('utf8', from, end);
  }

  private reference(ref: string, at: number): string {
    const named = NAMED[ref];
    if (named !== undefined) return named;
    const code = /^#[0-9]+$/.test(ref) ? Number(ref.slice(1)) : /^#x[0-9a-fA-F]+$/.test(ref) ? parseInt(ref.slice(2), 16) : NaN;
    if (!isXmlChar(code)) this.fail('a reference to an unknown entity or an invalid character', at);
    return String.fromCodePoint(code);
  }
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

function isNameByte(b: number): boolean {
  return (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2e || b === 0x5f || b === 0x3a || b >= 0x80;
}

function isDigitDotDash(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2e;
}

function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

function indexWithin(buf: Buffer, byte: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === byte) return i;
  return -1;
}

/** The first byte that is not allowed in an XML 1.0 document (C0 controls other than tab, LF, CR). */
export function firstForbiddenByte(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return i;
  }
  return -1;
}

/**
 * Reads an XML document (the ledger, a broker answer) with saxes, a conforming, namespace-aware
 * streaming parser: it refuses what XML 1.0 and Namespaces in XML refuse ("]]>" in text,
 * forbidden characters, a declaration after a comment, an undeclared prefix, …). The bytes are
 * checked as UTF-8 first and fed in slices, so a 50 MB ledger never exists as one string next
 * to its bytes. A DOCTYPE is refused when saxes reports it: neither document ever has one, and
 * saxes expands no entity it does not know, so there is no external entity and no expansion.
 *
 * Every failure is an XmlFormatError with line, column and a fixed reason (parse-reasons.ts).
 */
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { checkXmlBytes } from './bytes-check.js';
import { XmlFormatError } from './format-error.js';
import { reasonFor, type XmlWording } from './parse-reasons.js';

export type XmlTag = SaxesTagNS;


export interface XmlHandlers {
  /** A start tag (attributes read); `at` is the character offset of its "<". */
  open(tag: XmlTag, at: number): void;
  close(tag: XmlTag): void;
  /** Character data with references decoded, and CDATA sections. */
  text(text: string): void;
}

const SLICE = 1 << 18;

export class StrictXmlReader {
  private readonly parser = new SaxesParser({ xmlns: true, position: true });
  private chunk = '';
  private base = 0;
  private tagAt = 0;
  private inStartTag = false;
  private markupEnd = 0;
  private readonly open: string[] = [];
  private rootClosed = false;
  private closing = false;

  constructor(
    private readonly buf: Buffer,
    private readonly wording: XmlWording,
  ) {}

  /** The character offset the parser is at: just after the markup or text last reported. */
  get position(): number {
    return this.parser.position;
  }

  fail(reason: string, at = this.position): never {
    throw XmlFormatError.atCharacter(this.buf, at, reason);
  }

  /** Reads the whole document into `handlers`; throws XmlFormatError when it is not well-formed. */
  read(handlers: XmlHandlers): void {
    checkXmlBytes(this.buf, this.wording.whole);
    const p = this.parser;
    p.on('opentagstart', (tag) => {
      this.tagAt = p.position - tag.name.length - 2; // "<", the name, and the character after it
      this.inStartTag = true;
    });
    p.on('opentag', (tag) => {
      this.inStartTag = false;
      this.markupEnd = p.position;
      this.open.push(tag.name);
      handlers.open(tag, this.tagAt);
    });
    p.on('closetag', (tag) => {
      if (tag.isSelfClosing !== true) this.checkEndTag(tag.name);
      this.markupEnd = p.position;
      this.open.pop();
      if (this.open.length === 0) this.rootClosed = true;
      handlers.close(tag);
    });
    p.on('text', (text) => handlers.text(text));
    p.on('cdata', (text) => handlers.text(text));
    p.on('doctype', () => this.fail(`a DOCTYPE is not allowed in ${this.wording.document}`, this.doctypeAt()));
    // No more handlers than these: saxes stores each as a property added by key, and past a
    // few V8 turns the parser into a dictionary object, which made it 3-4 times slower.
    try {
      if (this.buf.length <= SLICE) p.write((this.chunk = this.buf.toString('utf8')));
      else {
        const decoder = new StringDecoder('utf8');
        for (let start = 0; start < this.buf.length; start += SLICE) {
          this.base += this.chunk.length;
          this.chunk = decoder.write(this.buf.subarray(start, start + SLICE));
          p.write(this.chunk);
        }
      }
      this.closing = true;
      p.close();
    } catch (error) {
      // saxes' own errors are plain Errors whose message starts with "line:column: ".
      if (error instanceof Error && !(error instanceof XmlFormatError) && /^\d+:\d+: /.test(error.message)) this.failParse(error.message);
      throw error;
    }
  }

  private failParse(message: string): never {
    const reason = reasonFor(message, {
      wording: this.wording,
      open: this.open.at(-1),
      inStartTag: this.inStartTag,
      rootClosed: this.rootClosed,
      char: this.chunk[this.parser.position - 1 - this.base],
    });
    // saxes reports these where it stopped: at the end, or at the end of the stray text.
    if (message.includes(': unclosed tag')) this.fail(reason, this.markupEnd);
    if (message.includes(': text data outside of root node')) this.fail(reason, this.firstNonSpaceAfter(this.markupEnd));
    if (this.closing) this.fail(reason);
    // saxes has just read the character it refuses: its column, counted from 1.
    throw new XmlFormatError(this.parser.line, Math.max(1, this.parser.columnIndex), reason);
  }

  /**
   * saxes reports the innermost open element closed before it checks the end tag's name: a
   * mismatch is refused here, before the handlers see an element end that is not there.
   */
  private checkEndTag(name: string): void {
    const at = this.chunk.lastIndexOf('</', this.parser.position - this.base - 1);
    if (at < 0) return; // the end tag began in an earlier slice: saxes' own check follows
    const after = this.chunk.charCodeAt(at + 2 + name.length);
    if ((after === 0x3e || after <= 0x20) && this.chunk.startsWith(name, at + 2)) return;
    this.fail(`the end tag does not match <${name}>`, this.base + at);
  }

  private doctypeAt(): number {
    const at = this.chunk.lastIndexOf('<!DOCTYPE', this.parser.position - this.base);
    return at < 0 ? this.position : this.base + at;
  }

  private firstNonSpaceAfter(offset: number): number {
    let i = offset - this.base;
    while (i >= 0 && i < this.chunk.length && /[ \t\r\n]/.test(this.chunk[i]!)) i++;
    return i < 0 ? this.position : this.base + i;
  }
}

/**
 * V8 compiles saxes' write() loop on stack replacement when a long document makes it hot. If no
 * write() call has returned before, the code after the loop has no type feedback, V8 keeps that
 * compiled loop, and every later document leaves it through a deoptimisation: a plan with no
 * ledger yet (a request list of 1,000, then 1,000 status lists) deoptimised write() 1,001-1,002
 * times and spent 336-393 ms in it (--trace-deopt, CPU profile). A few small documents read
 * first, through this class so that the parser objects have the same shape, give that code its
 * feedback: 3 deoptimisations, 24-40 ms. (Bare SaxesParser objects have another shape and do not.)
 */
const WARM_UP = Buffer.from('<a b="c">d<e/></a>');
for (let i = 0; i < 16; i++) new StrictXmlReader(WARM_UP, { document: 'a warm-up', whole: 'it', root: 'element' }).read({ open: () => undefined, close: () => undefined, text: () => undefined });

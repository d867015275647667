/**
 * saxes' well-formedness messages in our words. Ours are fixed text: several of saxes' quote the
 * document (a prefix, a name, a URI), and a ledger, or what a symlink in its place points at,
 * may hold a secret. A message not listed becomes "not well-formed XML".
 */

/** How the messages name the document and the whole of its bytes. */
export interface XmlWording {
  /** "a ledger": "a DOCTYPE is not allowed in a ledger". */
  readonly document: string;
  /** "the file": "the file ends inside an element". */
  readonly whole: string;
  /** "<status> element": "the file holds no <status> element". */
  readonly root: string;
}

/** What the reader knew when saxes failed, to say more than saxes' message does. */
export interface FailureContext {
  readonly wording: XmlWording;
  /** The innermost open element's name (our readers only go on inside elements they know). */
  readonly open: string | undefined;
  readonly inStartTag: boolean;
  readonly rootClosed: boolean;
  /** The character saxes stopped at. */
  readonly char: string | undefined;
}

const REASONS: [RegExp, (c: FailureContext) => string][] = [
  [/^document must contain a root element/, (c) => `${c.wording.whole} holds no ${c.wording.root}`],
  [/^unclosed tag/, (c) => `${c.wording.whole} ends inside an element`],
  [/^unexpected end/, (c) => (c.inStartTag ? `${c.wording.whole} ends inside a start tag` : `${c.wording.whole} ends inside markup`)],
  [/^(unexpected close tag|unmatched closing tag)/, (c) => (c.open === undefined ? 'an end tag without a start tag' : `the end tag does not match <${c.open}>`)],
  [/^(text data outside of root node|documents may contain only one root)/, (c) => (c.rootClosed ? 'content after the end of the root element' : 'expected an element')],
  [/^disallowed character\.$/, (c) => (c.inStartTag && c.char === '<' ? '"<" inside an attribute value' : 'a character that XML does not allow')],
  [/^the string "\]\]>" is disallowed/, () => '"]]>" in text'],
  [/^(undefined entity|empty entity name|disallowed character in entity name)/, () => 'a reference to an unknown entity'],
  [/^malformed character entity/, () => 'a reference to an invalid character'],
  [/^unbound namespace prefix/, () => 'a namespace prefix that is not declared'],
  [/^(xml prefix|xmlns prefix|the default namespace may not|may not assign the xml namespace|invalid attempt to undefine)/, () => 'a namespace declaration that XML does not allow'],
  [/^duplicate attribute/, () => 'an attribute appears twice in one element'],
  [/XML declaration (must|allowed only) .*start/i, () => 'an XML declaration that is not at the start'],
  [/^(XML declaration|expected the name|expected one of|version number|standalone value|The character \?)/, () => 'a malformed XML declaration'],
  [/^(unquoted attribute value|value must be quoted)/, () => 'an attribute value must be quoted'],
  [/^(attribute without value|value required)/, () => 'expected "=" after an attribute name'],
  [/^no whitespace between attributes/, () => 'expected a blank before an attribute'],
  [/^malformed comment/, () => '"--" inside a comment'],
  [/^(malformed name|disallowed character in (tag|attribute|closing tag|processing instruction) name)/, () => 'a name that is not an XML name'],
  [/doctype/i, () => 'a DOCTYPE in the wrong place'],
];

/** Our reason for saxes' `message` (without its "line:column: " prefix). */
export function reasonFor(message: string, context: FailureContext): string {
  const bare = message.replace(/^\d+:\d+: /, '');
  for (const [pattern, reason] of REASONS) if (pattern.test(bare)) return reason(context);
  return 'not well-formed XML';
}

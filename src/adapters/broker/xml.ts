/**
 * Broker XML → domain values, read in one pass with the XML cursor (xml-cursor.ts): a status
 * list is read for every tagged request, and a general parser's validation and object tree cost
 * more than the rest of a no-change run. Namespace-aware by URI (the node list uses an `ns2:`
 * prefix, other documents a default namespace; declarations may sit on any element), no DOCTYPE
 * and so no entity expansion, a size cap, and values kept as strings (ids like "007" must not
 * become numbers). Elements it does not know, or in another namespace, are skipped.
 *
 * The whole document is read before its values are judged, so a malformed answer is always
 * reported as such, whatever its first rows hold.
 */
import { NODE_STATES, isRequestId, type NodeState, type NodeStatus } from '../../core/model.js';
import { ProblemError, problem } from '../../core/problem.js';
import { XmlCursor, type StartTag, type XmlWording } from '../xml/index.js';
import { XmlFormatError } from '../xml/index.js';
import { shownValue } from '../../core/shown-value.js';

export const EXCHANGE_NS = 'http://aktin.org/ns/exchange';
export const MAX_XML_BYTES = 16 * 1024 * 1024;

/** java.time.Instant.toString(): UTC, 0–9 fraction digits. */
const INSTANT = /^\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

const ROW_FIELDS = new Set<string>(['node', 'type', ...NODE_STATES]);
const NAMES = ['request-list', 'request', 'id', 'request-status-list', 'request-status-info', 'xmlns', ...ROW_FIELDS];
const WORDING: XmlWording = { document: 'a broker answer', whole: 'the answer' };

/** Namespace URI by prefix ('' for the default namespace), as declared on the open elements. */
type Scope = ReadonlyMap<string, string>;

/** A child of the root in the exchange namespace, with the scope its own content is read in. */
type ChildReader<T> = (c: XmlCursor, tag: StartTag, scope: Scope) => T;

/** The ids of a `request-list`: the `id` attribute of every `request` child. */
export function parseRequestIds(xml: string | Buffer, source: string): string[] {
  const ids = readDocument(xml, source, 'request-list', 'request', (c, tag) => {
    skipContent(c, tag);
    return tag.attributes.id?.trim() ?? '';
  });
  for (const id of ids) if (!isRequestId(id)) throw protocolError(source, `a request id ${JSON.stringify(id).slice(0, 40)} is not a number`);
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw protocolError(source, `request ${id} is listed twice`);
    seen.add(id);
  }
  return ids;
}

/** The rows of a `request-status-list`. */
export function parseStatusList(xml: string | Buffer, source: string): NodeStatus[] {
  const rows = readDocument(xml, source, 'request-status-list', 'request-status-info', readRow);
  return rows.map(({ values, repeated }) => {
    if (repeated !== undefined) throw protocolError(source, `a request-status-info has more than one <${repeated}>`);
    const node = values.node ?? '';
    if (!/^\d+$/.test(node)) {
      throw protocolError(source, node === '' ? 'a request-status-info has no node id' : `a request-status-info has node id ${shownValue(node)}, which is not a decimal id`);
    }
    const states: Partial<Record<NodeState, string>> = {};
    for (const state of NODE_STATES) {
      const time = values[state];
      if (time === undefined) continue;
      if (!INSTANT.test(time)) throw protocolError(source, `node ${node} has a ${state} time ${JSON.stringify(time).slice(0, 40)} that is not an ISO-8601 UTC instant`);
      states[state] = time;
    }
    const type = values.type;
    return { node, states, ...(type === undefined ? {} : { messageType: type }) };
  });
}

interface Row {
  /** Trimmed text by field name (ROW_FIELDS). */
  readonly values: Record<string, string>;
  /** A field the row holds twice: the answer is then not a status list. */
  readonly repeated: string | undefined;
}

function readRow(c: XmlCursor, tag: StartTag, scope: Scope): Row {
  const values = Object.create(null) as Record<string, string>;
  let repeated: string | undefined;
  if (!tag.empty) {
    for (;;) {
      c.text();
      if (c.startsWith('</')) break;
      const child = c.startTag();
      const field = exchangeName(child.name, scopeOf(child, scope));
      if (field === undefined || !ROW_FIELDS.has(field)) {
        skipContent(c, child);
        continue;
      }
      if (values[field] !== undefined) repeated ??= field;
      values[field] = leafText(c, child);
    }
    c.endTag(tag.name);
  }
  return { values, repeated };
}

/**
 * Reads the whole document: BOM, prolog, the root and what may follow it. The root must be
 * `rootName` in the exchange namespace; `read` gets each of its `childName` children.
 */
function readDocument<T>(input: string | Buffer, source: string, rootName: string, childName: string, read: ChildReader<T>): T[] {
  if (input.length > MAX_XML_BYTES) throw protocolError(source, `the response is larger than ${MAX_XML_BYTES} bytes`);
  const c = new XmlCursor(typeof input === 'string' ? Buffer.from(input, 'utf8') : input, NAMES, WORDING);
  const items: T[] = [];
  let misfit: string | undefined;
  try {
    if (c.buf[0] === 0xef && c.buf[1] === 0xbb && c.buf[2] === 0xbf) c.pos = 3;
    skipMisc(c);
    if (c.done) c.fail('the answer holds no element');
    const root = c.startTag();
    const scope = scopeOf(root, new Map());
    const local = root.name.slice(root.name.indexOf(':') + 1);
    misfit =
      local !== rootName ? `expected a <${rootName}> document`
      : exchangeName(root.name, scope) === undefined ? `<${root.name}> is not in the namespace ${EXCHANGE_NS}`
      : undefined;
    if (!root.empty) {
      for (;;) {
        c.text();
        if (c.startsWith('</')) break;
        const tag = c.startTag();
        const inner = scopeOf(tag, scope);
        if (misfit === undefined && exchangeName(tag.name, inner) === childName) items.push(read(c, tag, inner));
        else skipContent(c, tag);
      }
      c.endTag(root.name);
    }
    skipMisc(c);
    if (!c.done) c.fail('content after the end of the root element');
  } catch (error) {
    if (error instanceof XmlFormatError) throw protocolError(source, `the response is not XML (${error.message})`, error);
    throw error;
  }
  if (misfit !== undefined) throw protocolError(source, misfit);
  return items;
}

/** The scope inside `tag`: the parent's, with the namespaces the tag declares. */
function scopeOf(tag: StartTag, parent: Scope): Scope {
  if (tag.attributeCount === 0) return parent;
  let scope: Map<string, string> | undefined;
  for (const name in tag.attributes) {
    const prefix = name === 'xmlns' ? '' : name.startsWith('xmlns:') ? name.slice(6) : undefined;
    if (prefix === undefined) continue;
    scope ??= new Map(parent);
    scope.set(prefix, tag.attributes[name]!);
  }
  return scope ?? parent;
}

/** The local name of an element in the exchange namespace; undefined for any other element. */
function exchangeName(name: string, scope: Scope): string | undefined {
  const colon = name.indexOf(':');
  if (scope.get(colon < 0 ? '' : name.slice(0, colon)) !== EXCHANGE_NS) return undefined;
  return colon < 0 ? name : name.slice(colon + 1);
}

/** The trimmed text of an element; text inside elements nested in it does not count. */
function leafText(c: XmlCursor, tag: StartTag): string {
  if (tag.empty) return '';
  let text = c.text();
  while (!c.startsWith('</')) {
    skipContent(c, c.startTag());
    text += c.text();
  }
  c.endTag(tag.name);
  return text.trim();
}

/**
 * Skips what is inside `tag` and its end tag, checking it is well-formed. A loop, not recursion:
 * an answer nested a million deep must not exhaust the stack.
 */
function skipContent(c: XmlCursor, tag: StartTag): void {
  if (tag.empty) return;
  const open = [tag.name];
  while (open.length > 0) {
    c.text();
    if (c.startsWith('</')) c.endTag(open.pop()!);
    else {
      const inner = c.startTag();
      if (!inner.empty) open.push(inner.name);
    }
  }
}

/** Blanks, comments and processing instructions (the XML declaration among them). */
function skipMisc(c: XmlCursor): void {
  for (;;) {
    c.skipSpace();
    if (!c.skipMisc()) return;
  }
}

function protocolError(source: string, why: string, cause?: unknown): ProblemError {
  return new ProblemError(
    problem('BROKER_PROTOCOL', `Unexpected answer from the broker to ${source}`, `${why}.`, 'Check that [BROKER] URL points at an AKTIN Broker ≥ 1.3.3.'),
    cause === undefined ? undefined : { cause },
  );
}

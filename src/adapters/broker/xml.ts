/**
 * Broker XML → domain values, read in one pass with saxes (xml/strict-reader.ts), a conforming
 * parser: a status list is read for every tagged request, and an object tree per answer would
 * cost more than the rest of a no-change run. Namespace-aware by URI (the node list uses an
 * `ns2:` prefix, other documents a default namespace; declarations may sit on any element), no
 * DOCTYPE and so no entity expansion, a size cap, the bytes checked as UTF-8 without control
 * characters, and values kept as strings (ids like "007" must not become numbers). Elements it
 * does not know, or in another namespace, are skipped.
 *
 * The whole document is read before its values are judged, so a malformed answer is always
 * reported as such, whatever its first rows hold.
 */
import { NODE_STATES, isRequestId, type NodeState, type NodeStatus } from '../../core/model.js';
import { ProblemError, problem } from '../../core/problem.js';
import { StrictXmlReader, XmlFormatError, type XmlTag } from '../xml/index.js';
import { shownValue } from '../../core/shown-value.js';

export const EXCHANGE_NS = 'http://aktin.org/ns/exchange';
export const MAX_XML_BYTES = 16 * 1024 * 1024;

/** java.time.Instant.toString(): UTC, 0–9 fraction digits. */
const INSTANT = /^\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

const ROW_FIELDS = new Set<string>(['node', 'type', ...NODE_STATES]);
const WORDING = { document: 'a broker answer', whole: 'the answer', root: 'element' };

/**
 * Reads one child of the root (an item: a request, a status row) from its start tag to its end
 * tag. `depth` counts the elements open inside the item: 0 for the item's own text.
 */
interface ItemReader<T> {
  start(tag: XmlTag): void;
  open(tag: XmlTag, depth: number): void;
  text(text: string, depth: number): void;
  close(depth: number): void;
  finish(): T;
}

/** The ids of a `request-list`: the `id` attribute of every `request` child. */
export function parseRequestIds(xml: string | Buffer, source: string): string[] {
  let id = '';
  const ids = readDocument(xml, source, 'request-list', 'request', {
    start: (tag) => void (id = tag.attributes.id?.value.trim() ?? ''),
    open: () => undefined,
    text: () => undefined,
    close: () => undefined,
    finish: () => id,
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
  const rows = readDocument(xml, source, 'request-status-list', 'request-status-info', rowReader());
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

/** A status row: the trimmed text of each ROW_FIELDS child; text in elements nested in a field does not count. */
function rowReader(): ItemReader<Row> {
  let values = Object.create(null) as Record<string, string>;
  let repeated: string | undefined;
  let field: string | undefined;
  let text = '';
  return {
    start() {
      values = Object.create(null) as Record<string, string>;
      repeated = undefined;
    },
    open(tag, depth) {
      if (depth !== 1) return;
      field = tag.uri === EXCHANGE_NS && ROW_FIELDS.has(tag.local) ? tag.local : undefined;
      if (field !== undefined && values[field] !== undefined) repeated ??= field;
      text = '';
    },
    text(more, depth) {
      if (depth === 1 && field !== undefined) text += more;
    },
    close(depth) {
      if (depth !== 1 || field === undefined) return;
      values[field] = text.trim();
      field = undefined;
    },
    finish: () => ({ values, repeated }),
  };
}

/**
 * Reads the whole document. The root must be `rootName` in the exchange namespace; `item` reads
 * each of its `childName` children in that namespace.
 */
function readDocument<T>(input: string | Buffer, source: string, rootName: string, childName: string, item: ItemReader<T>): T[] {
  if (input.length > MAX_XML_BYTES) throw protocolError(source, `the response is larger than ${MAX_XML_BYTES} bytes`);
  const r = new StrictXmlReader(typeof input === 'string' ? Buffer.from(input, 'utf8') : input, WORDING);
  const items: T[] = [];
  let misfit: string | undefined;
  let depth = 0; // elements open
  let reading = false; // inside an item
  try {
    r.read({
      open(tag) {
        depth++;
        if (depth === 1) {
          misfit =
            tag.local !== rootName ? `expected a <${rootName}> document`
            : tag.uri !== EXCHANGE_NS ? `<${tag.name}> is not in the namespace ${EXCHANGE_NS}`
            : undefined;
        } else if (depth === 2) {
          reading = misfit === undefined && tag.uri === EXCHANGE_NS && tag.local === childName;
          if (reading) item.start(tag);
        } else if (reading) item.open(tag, depth - 2);
      },
      text(text) {
        if (reading) item.text(text, depth - 2);
      },
      close() {
        if (reading) {
          if (depth === 2) {
            items.push(item.finish());
            reading = false;
          } else item.close(depth - 2);
        }
        depth--;
      },
    });
  } catch (error) {
    if (error instanceof XmlFormatError) throw protocolError(source, `the response is not XML (${error.message})`, error);
    throw error;
  }
  if (misfit !== undefined) throw protocolError(source, misfit);
  return items;
}

function protocolError(source: string, why: string, cause?: unknown): ProblemError {
  return new ProblemError(
    problem('BROKER_PROTOCOL', `Unexpected answer from the broker to ${source}`, `${why}.`, 'Check that [BROKER] URL points at an AKTIN Broker ≥ 1.3.3.'),
    cause === undefined ? undefined : { cause },
  );
}

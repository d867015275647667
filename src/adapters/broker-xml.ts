/**
 * Broker XML → domain values. Namespace-aware by URI (the node list uses an `ns2:` prefix,
 * other documents a default namespace), with entity expansion off, no DOCTYPE, a size cap,
 * and values kept as strings (ids like "007" must not become numbers).
 */
import { XMLParser } from 'fast-xml-parser';
import { NODE_STATES, isRequestId, type NodeState, type NodeStatus } from '../core/model.js';
import { ProblemError, problem } from '../core/problem.js';

export const EXCHANGE_NS = 'http://aktin.org/ns/exchange';
export const MAX_XML_BYTES = 16 * 1024 * 1024;

/** java.time.Instant.toString(): UTC, 0–9 fraction digits. */
const INSTANT = /^\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  ignoreDeclaration: true,
  trimValues: true,
  isArray: (name) => /(^|:)(request|request-status-info)$/.test(name),
});

/** The ids of a `request-list`: the `id` attribute of every `request` child. */
export function parseRequestIds(xml: string, source: string): string[] {
  const { element, prefix } = root(xml, 'request-list', source);
  const requests = (element[`${prefix}request`] as XmlNode[] | undefined) ?? [];
  const ids = requests.map((r) => {
    const raw: unknown = r['@_id'];
    const id = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
    if (!isRequestId(id)) throw protocolError(source, `a request id ${JSON.stringify(id).slice(0, 40)} is not a number`);
    return id;
  });
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw protocolError(source, `request ${id} is listed twice`);
    seen.add(id);
  }
  return ids;
}

/** The rows of a `request-status-list`. */
export function parseStatusList(xml: string, source: string): NodeStatus[] {
  const { element, prefix } = root(xml, 'request-status-list', source);
  const rows = (element[`${prefix}request-status-info`] as XmlNode[] | undefined) ?? [];
  return rows.map((row) => {
    const node = text(row[`${prefix}node`]);
    if (!/^\d+$/.test(node)) throw protocolError(source, 'a request-status-info has no node id');
    const states: Partial<Record<NodeState, string>> = {};
    for (const state of NODE_STATES) {
      const value = row[`${prefix}${state}`];
      if (value === undefined) continue;
      const time = text(value);
      if (!INSTANT.test(time)) throw protocolError(source, `node ${node} has a ${state} time ${JSON.stringify(time).slice(0, 40)} that is not an ISO-8601 UTC instant`);
      states[state] = time;
    }
    const type = row[`${prefix}type`];
    return { node, states, ...(type === undefined ? {} : { messageType: text(type) }) };
  });
}

function root(xml: string, name: string, source: string): { element: XmlNode; prefix: string } {
  if (xml.length > MAX_XML_BYTES) throw protocolError(source, `the response is larger than ${MAX_XML_BYTES} bytes`);
  if (/<!DOCTYPE/i.test(xml)) throw protocolError(source, 'the response declares a DOCTYPE');
  let document: XmlNode;
  try {
    document = parser.parse(xml, true) as XmlNode;
  } catch (error) {
    throw protocolError(source, `the response is not XML (${(error as Error).message.split('\n')[0]})`, error);
  }
  for (const [tag, value] of Object.entries(document)) {
    const [prefix, local] = tag.includes(':') ? [tag.slice(0, tag.indexOf(':')), tag.slice(tag.indexOf(':') + 1)] : ['', tag];
    if (local !== name) continue;
    const element = (typeof value === 'object' && value !== null ? value : {}) as XmlNode;
    const uri = element[prefix ? `@_xmlns:${prefix}` : '@_xmlns'];
    if (uri !== EXCHANGE_NS) throw protocolError(source, `<${tag}> is not in the namespace ${EXCHANGE_NS}`);
    return { element, prefix: prefix ? `${prefix}:` : '' };
  }
  throw protocolError(source, `expected a <${name}> document`);
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && '#text' in value) return text((value as XmlNode)["#text"]);
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function protocolError(source: string, why: string, cause?: unknown): ProblemError {
  return new ProblemError(
    problem('BROKER_PROTOCOL', `Unexpected answer from the broker to ${source}`, `${why}.`, 'Check that [BROKER] URL points at an AKTIN Broker ≥ 1.3.3.'),
    cause === undefined ? undefined : { cause },
  );
}

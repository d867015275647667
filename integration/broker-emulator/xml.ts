/**
 * The broker's XML as JAXB RI writes it (docs/broker-protocol.md §1.1, §4): declaration with
 * standalone="yes", no indentation (except inside the export zip), null values omitted,
 * element order as the Java fields, timestamps as java.time.Instant.toString().
 */
import type { Node, StatusRow, StoredRequest } from './state.js';

const NS = 'http://aktin.org/ns/exchange';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
/** RequestStatusInfo field order; `expired` is never set, `interaction` comes after it. */
const ROW_STATES = ['retrieved', 'queued', 'processing', 'completed', 'rejected', 'failed'] as const;

/** Instant.toString(): UTC, fraction only when non-zero (JS dates carry milliseconds at most). */
export function instant(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const element = (name: string, value: Date | string | undefined) =>
  value === undefined ? '' : `<${name}>${value instanceof Date ? instant(value) : escapeXml(value)}</${name}>`;

function requestChildren(request: StoredRequest, withTypes: boolean): string[] {
  return [
    element('published', request.published),
    element('closed', request.closed),
    `<targeted>${request.targeted}</targeted>`,
    ...(withTypes ? request.definitions.map((d) => element('type', d.type)) : []),
  ].filter(Boolean);
}

/** R1 (`withTypes`) and R2 (no types). */
export function requestList(requests: StoredRequest[], withTypes: boolean): string {
  const entries = requests.map((r) => `<request id="${r.id}">${requestChildren(r, withTypes).join('')}</request>`);
  return list('request-list', entries);
}

/** M1: with the node-status block, whose `<node>` is always 0 and shows retrieved…failed only. */
export function myRequestList(requests: StoredRequest[], rowOf: (id: number) => StatusRow | undefined): string {
  const entries = requests.map((r) => {
    const row = rowOf(r.id);
    const states = ROW_STATES.map((s) => element(s, row?.states[s])).filter(Boolean);
    const status = states.length > 0 ? `<node-status><node>0</node>${states.join('')}</node-status>` : '';
    return `<request id="${r.id}">${requestChildren(r, true).join('')}${status}</request>`;
  });
  return list('request-list', entries);
}

/** R6/M2 request info. */
export function singleRequest(request: StoredRequest): string {
  return `${DECLARATION}<request id="${request.id}" xmlns="${NS}">${requestChildren(request, true).join('')}</request>`;
}

function statusChildren(row: StatusRow): string[] {
  return [
    element('node', String(row.node)),
    element('deleted', row.deleted),
    ...ROW_STATES.map((s) => element(s, row.states[s])),
    element('interaction', row.states.interaction),
    element('type', row.message?.type),
  ].filter(Boolean);
}

/** R8 `request-status-list`; `pretty` as inside the export zip. */
export function statusList(rows: StatusRow[], pretty = false): string {
  if (!pretty) return list('request-status-list', rows.map((r) => `<request-status-info>${statusChildren(r).join('')}</request-status-info>`));
  if (rows.length === 0) return `${DECLARATION}\n<request-status-list xmlns="${NS}"/>\n`;
  const entries = rows.map((r) => `    <request-status-info>\n${statusChildren(r).map((c) => `        ${c}\n`).join('')}    </request-status-info>\n`);
  return `${DECLARATION}\n<request-status-list xmlns="${NS}">\n${entries.join('')}</request-status-list>\n`;
}

/** The request info inside the export zip (`request.xml`), pretty-printed. */
export function prettyRequest(request: StoredRequest): string {
  const children = requestChildren(request, true).map((c) => `    ${c}\n`);
  return `${DECLARATION}\n<request id="${request.id}" xmlns="${NS}">\n${children.join('')}</request>\n`;
}

const nodeChildren = (n: Node) =>
  `<ns2:id>${n.id}</ns2:id><ns2:clientDN>${escapeXml(n.dn)}</ns2:clientDN><ns2:last-contact>${instant(n.lastContact)}</ns2:last-contact><ns2:websocket>false</ns2:websocket>`;

/** N1: an `ns2:` prefix throughout, because Node.modules forces it (§4.5). */
export function nodeList(nodes: Node[]): string {
  const entries = nodes.map((n) => `<ns2:node>${nodeChildren(n)}</ns2:node>`).join('');
  return entries ? `${DECLARATION}<ns2:node-list xmlns:ns2="${NS}">${entries}</ns2:node-list>` : `${DECLARATION}<ns2:node-list xmlns:ns2="${NS}"/>`;
}

/** N2/M8: one node, with the always empty modules map. */
export function singleNode(node: Node): string {
  return `${DECLARATION}<ns2:node xmlns:ns2="${NS}">${nodeChildren(node)}<ns2:modules/></ns2:node>`;
}

export function brokerStatus(now: Date): string {
  const module = (id: string) => `<module id="${id}"><version>1.5.2</version></module>`;
  return `${DECLARATION}<broker-status xmlns="${NS}"><timestamp>${instant(now)}</timestamp><node-software>${module('broker-api')}${module('broker-server')}</node-software></broker-status>`;
}

function list(root: string, entries: string[]): string {
  return entries.length === 0 ? `${DECLARATION}<${root} xmlns="${NS}"/>` : `${DECLARATION}<${root} xmlns="${NS}">${entries.join('')}</${root}>`;
}

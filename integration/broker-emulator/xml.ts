/**
 * The broker's XML as JAXB RI writes it (broker-api.md §1.1, §4): declaration with
 * standalone="yes", no indentation (except inside the export zip), null values omitted,
 * timestamps as java.time.Instant.toString().
 */
import type { Node, StatusRow, StoredRequest } from './state.js';
import { NODE_STATES } from './state.js';

const NS = 'http://aktin.org/ns/exchange';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

/** Instant.toString(): fraction only when non-zero. */
export function instant(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const element = (name: string, value: Date | string | undefined) =>
  value === undefined ? '' : `<${name}>${value instanceof Date ? instant(value) : escapeXml(value)}</${name}>`;

export function requestInfo(request: StoredRequest, withTypes: boolean): string {
  return (
    `<request id="${request.id}">` +
    element('published', request.published) +
    element('closed', request.closed) +
    `<targeted>${request.targeted}</targeted>` +
    (withTypes ? request.definitions.map((d) => element('type', d.type)).join('') : '') +
    '</request>'
  );
}

export function requestList(requests: StoredRequest[], withTypes: boolean): string {
  if (requests.length === 0) return `${DECLARATION}<request-list xmlns="${NS}"/>`;
  return `${DECLARATION}<request-list xmlns="${NS}">${requests.map((r) => requestInfo(r, withTypes)).join('')}</request-list>`;
}

export function singleRequest(request: StoredRequest): string {
  return DECLARATION + requestInfo(request, true).replace('<request ', `<request xmlns="${NS}" `);
}

function statusInfo(row: StatusRow, indent: string): string {
  const parts = [
    element('node', String(row.node)),
    element('deleted', row.deleted),
    ...NODE_STATES.filter((s) => s !== 'interaction').map((s) => element(s, row.states[s])),
    element('interaction', row.states.interaction),
    element('type', row.message?.type),
  ].filter(Boolean);
  if (!indent) return `<request-status-info>${parts.join('')}</request-status-info>`;
  return `${indent}<request-status-info>\n${parts.map((p) => `${indent}    ${p}`).join('\n')}\n${indent}</request-status-info>`;
}

/** `request-status-list`; `pretty` as inside the export zip. */
export function statusList(rows: StatusRow[], pretty = false): string {
  if (rows.length === 0) return `${DECLARATION}${pretty ? '\n' : ''}<request-status-list xmlns="${NS}"/>`;
  if (!pretty) return `${DECLARATION}<request-status-list xmlns="${NS}">${rows.map((r) => statusInfo(r, '')).join('')}</request-status-list>`;
  return `${DECLARATION}\n<request-status-list xmlns="${NS}">\n${rows.map((r) => statusInfo(r, '    ')).join('\n')}\n</request-status-list>\n`;
}

export function nodeList(nodes: Node[]): string {
  const entries = nodes
    .map((n) => `<ns2:node><ns2:id>${n.id}</ns2:id><ns2:clientDN>${escapeXml(n.dn)}</ns2:clientDN><ns2:last-contact>${instant(n.lastContact)}</ns2:last-contact><ns2:websocket>false</ns2:websocket></ns2:node>`)
    .join('');
  return `${DECLARATION}<ns2:node-list xmlns:ns2="${NS}">${entries}</ns2:node-list>`;
}

export function prettyRequest(request: StoredRequest): string {
  const lines = [
    `<request id="${request.id}" xmlns="${NS}">`,
    request.published ? `    ${element('published', request.published)}` : '',
    request.closed ? `    ${element('closed', request.closed)}` : '',
    `    <targeted>${request.targeted}</targeted>`,
    ...request.definitions.map((d) => `    ${element('type', d.type)}`),
    '</request>',
  ].filter(Boolean);
  return `${DECLARATION}\n${lines.join('\n')}\n`;
}

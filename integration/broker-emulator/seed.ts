/**
 * The seed file: a small JSON document that fills a fresh emulator, as an admin and hospitals
 * would over HTTP (same operations, same id rules). Format, all keys but `tags` optional:
 *
 *   { "requests": [
 *       { "tags": ["rki"],                   // one <tag> each in an AKTIN queryRequest
 *         "publish": true,                   // default true
 *         "close": false, "delete": false,   // close / delete after the node activity
 *         "nodes": [                         // in order; a key's first use gives it the next node id (0, 1, …)
 *           { "key": "xxxApiKey123",         // a node API key of the emulator
 *             "result": "a;b\n1;2\n",        // uploaded first (UTF-8), as resultType (default text/csv)
 *             "status": ["retrieved", "completed"],   // one state or a list, posted in order
 *             "date": "2024-05-01T10:00:00Z",         // timestamp of those posts; default the clock
 *             "message": "boom" } ] } ] }    // text/plain message sent with the last status
 *
 * Request ids follow the order of `requests`, from 0.
 */
import { BrokerState, NODE_STATES, type PostableState } from './state.js';

export interface EmulatorSeed {
  readonly requests: readonly SeedRequest[];
}

export interface SeedRequest {
  readonly tags: readonly string[];
  readonly publish?: boolean;
  readonly close?: boolean;
  readonly delete?: boolean;
  readonly nodes?: readonly SeedNode[];
}

export interface SeedNode {
  readonly key: string;
  readonly status?: PostableState | readonly PostableState[];
  readonly date?: string;
  readonly message?: string;
  readonly result?: string;
  readonly resultType?: string;
}

export const QUERY_TYPE = 'application/vnd.aktin.query.request+xml';

/** Checks a parsed seed file; throws an Error naming the first bad field. */
export function validateSeed(value: unknown, keys: Readonly<Record<string, string>>): EmulatorSeed {
  const fail = (where: string, what: string): never => {
    throw new Error(`seed ${where}: ${what}`);
  };
  const requests = (value as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) fail('', 'expected an object with a "requests" array');
  (requests as unknown[]).forEach((r, i) => {
    const request = r as Partial<Record<string, unknown>>;
    if (!Array.isArray(request.tags) || !request.tags.every((t) => typeof t === 'string')) fail(`requests[${i}].tags`, 'expected an array of strings');
    for (const flag of ['publish', 'close', 'delete']) if (request[flag] !== undefined && typeof request[flag] !== 'boolean') fail(`requests[${i}].${flag}`, 'expected true or false');
    ((request.nodes as unknown[] | undefined) ?? []).forEach((n, j) => {
      const node = n as Partial<Record<string, unknown>>;
      const where = `requests[${i}].nodes[${j}]`;
      if (typeof node.key !== 'string' || !keys[node.key] || keys[node.key]!.includes('OU=admin')) fail(`${where}.key`, 'expected a node API key of the emulator');
      const states = node.status === undefined ? [] : Array.isArray(node.status) ? node.status : [node.status];
      if (!states.every((s) => (NODE_STATES as readonly unknown[]).includes(s))) fail(`${where}.status`, `expected one of ${NODE_STATES.join(', ')}`);
      if (node.date !== undefined && Number.isNaN(new Date(String(node.date)).getTime())) fail(`${where}.date`, 'expected an ISO-8601 timestamp');
      for (const text of ['message', 'result', 'resultType']) if (node[text] !== undefined && typeof node[text] !== 'string') fail(`${where}.${text}`, 'expected a string');
    });
  });
  return value as EmulatorSeed;
}

export function applySeed(state: BrokerState, seed: EmulatorSeed, keys: Readonly<Record<string, string>>, now: () => Date): void {
  for (const r of seed.requests) {
    const request = state.createRequest(now(), { type: QUERY_TYPE, body: Buffer.from(queryRequestXml(r.tags), 'utf8') });
    if (r.publish ?? true) state.mark(request.id, 'published', now());
    for (const n of r.nodes ?? []) {
      const node = state.nodeFor(n.key, keys[n.key]!, now());
      const at = n.date === undefined ? now() : new Date(n.date);
      if (n.result !== undefined) state.putResult(request.id, node, n.resultType ?? 'text/csv', Buffer.from(n.result, 'utf8'), at);
      const states = n.status === undefined ? [] : typeof n.status === 'string' ? [n.status] : n.status;
      states.forEach((s, k) => {
        const message = k === states.length - 1 && n.message !== undefined ? { type: 'text/plain', body: Buffer.from(n.message, 'utf8') } : undefined;
        state.postStatus(request.id, node, s, at, message);
      });
    }
    if (r.close) state.mark(request.id, 'closed', now());
    if (r.delete) state.deleteRequest(request.id);
  }
}

/** An AKTIN queryRequest definition (docs/broker-protocol.md §4.6) carrying these tags. */
export function queryRequestXml(tags: readonly string[], id = 0): string {
  const escape = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<queryRequest xmlns="http://aktin.org/ns/exchange" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <id>${id}</id>
  <reference>2024-04-01T00:00:00.000Z</reference>
  <scheduled>2024-05-01T00:00:00.000Z</scheduled>
  <query>
    <title>Test</title>
    <description>Generated by the aktin-sftp broker emulator</description>
    <principal><name>Name</name><organisation>Org</organisation><email>a@b.c</email><phone/><tags>${tags.map((t) => `<tag>${escape(t)}</tag>`).join('')}</tags></principal>
    <schedule xsi:type="singleExecution"><duration>-P1M</duration></schedule>
    <sql xmlns="http://aktin.org/ns/i2b2/sql"><source type="application/sql">SELECT 1</source></sql>
  </query>
</queryRequest>
`;
}

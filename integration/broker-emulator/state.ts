/**
 * The emulated broker's data, as broker-server keeps it in HSQLDB: requests with definitions,
 * one status row per (request, node), one result per (request, node), nodes by API key.
 * Ids start at 0 and are never reused (broker-api.md §5.1, §11).
 */
export const NODE_STATES = ['retrieved', 'queued', 'processing', 'completed', 'rejected', 'failed', 'interaction'] as const;
export type PostableState = (typeof NODE_STATES)[number];

export interface Definition {
  readonly type: string;
  readonly body: Buffer;
}

export interface StoredRequest {
  readonly id: number;
  readonly created: Date;
  readonly definitions: Definition[];
  published?: Date;
  closed?: Date;
  targeted: boolean;
}

export interface StatusRow {
  readonly node: number;
  deleted?: Date;
  states: Partial<Record<PostableState, Date>>;
  message?: { type: string; body: Buffer };
}

export interface StoredResult {
  readonly type: string;
  readonly body: Buffer;
  readonly modified: Date;
}

export interface Node {
  readonly id: number;
  readonly dn: string;
  lastContact: Date;
}

export class BrokerState {
  readonly requests = new Map<number, StoredRequest>();
  readonly statusRows = new Map<number, Map<number, StatusRow>>();
  readonly results = new Map<number, Map<number, StoredResult>>();
  readonly nodes = new Map<string, Node>();
  #nextRequest = 0;
  #nextNode = 0;

  createRequest(now: Date, definition?: Definition): StoredRequest {
    const request: StoredRequest = { id: this.#nextRequest++, created: now, definitions: definition ? [definition] : [], targeted: false };
    this.requests.set(request.id, request);
    return request;
  }

  /** A node key's first authenticated call registers the node (broker-api.md §2.1). */
  nodeFor(key: string, dn: string, now: Date): Node {
    let node = this.nodes.get(key);
    if (!node) {
      node = { id: this.#nextNode++, dn, lastContact: now };
      this.nodes.set(key, node);
    }
    node.lastContact = now;
    return node;
  }

  rowsOf(requestId: number): Map<number, StatusRow> {
    let rows = this.statusRows.get(requestId);
    if (!rows) this.statusRows.set(requestId, (rows = new Map()));
    return rows;
  }

  resultsOf(requestId: number): Map<number, StoredResult> {
    let results = this.results.get(requestId);
    if (!results) this.results.set(requestId, (results = new Map()));
    return results;
  }
}

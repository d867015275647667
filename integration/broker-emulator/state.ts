/**
 * The emulated broker's data and the operations on it, as broker-server keeps them in HSQLDB:
 * requests with definitions, one status row per (request, node), one result per (request, node),
 * nodes by API key. Ids start at 0 and are never reused (docs/broker-protocol.md §5.1, §11). The
 * HTTP routes and the seed file both go through these operations, so they behave the same.
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

/** A media type without its parameters, as the broker stores definitions and messages. */
export const bareType = (type: string): string => type.split(';')[0]!.trim();

export class BrokerState {
  /** Called with the websocket frame each change announces (docs/broker-protocol.md §8). */
  readonly listeners = new Set<(frame: string) => void>();
  readonly requests = new Map<number, StoredRequest>();
  readonly statusRows = new Map<number, Map<number, StatusRow>>();
  readonly results = new Map<number, Map<number, StoredResult>>();
  readonly nodes = new Map<string, Node>();
  #nextRequest = 0;
  #nextNode = 0;

  createRequest(now: Date, definition?: Definition): StoredRequest {
    const request: StoredRequest = { id: this.#nextRequest++, created: now, definitions: definition ? [definition] : [], targeted: false };
    this.requests.set(request.id, request);
    this.#announce(`created ${request.id}`);
    return request;
  }

  /** Adds or replaces the definition of that type; an unknown id is silently ignored (R4: 204). */
  putDefinition(id: number, definition: Definition): void {
    const request = this.requests.get(id);
    if (!request) return;
    const existing = request.definitions.findIndex((d) => d.type === definition.type);
    if (existing >= 0) request.definitions.splice(existing, 1, definition);
    else request.definitions.push(definition);
  }

  /** Sets published/closed once; false when the request is unknown (404). */
  mark(id: number, field: 'published' | 'closed', now: Date): boolean {
    const request = this.requests.get(id);
    if (!request) return false;
    request[field] ??= now;
    this.#announce(`${field === 'published' ? 'published' : 'closed'} ${id}`); // (inferred) on every call, as the endpoint broadcasts after the update
    return true;
  }

  /** R7: the request and its definitions go; status rows and results stay, as in HSQLDB. */
  deleteRequest(id: number): void {
    this.requests.delete(id);
  }

  /** A node key's first authenticated call registers the node (docs/broker-protocol.md §2.1). */
  nodeFor(key: string, dn: string, now: Date): Node {
    let node = this.nodes.get(key);
    if (!node) {
      node = { id: this.#nextNode++, dn, lastContact: now };
      this.nodes.set(key, node);
    }
    node.lastContact = now;
    return node;
  }

  /** M4: sets one timestamp, clears `interaction` unless that is the state, keeps the rest. */
  postStatus(requestId: number, node: Node, state: PostableState, at: Date, message?: { type: string; body: Buffer }): void {
    const rows = this.rowsOf(requestId);
    const row = rows.get(node.id) ?? { node: node.id, states: {} };
    row.states[state] = at;
    if (state !== 'interaction') delete row.states.interaction;
    if (message) row.message = message;
    rows.set(node.id, row);
    this.#announce(`status ${requestId} ${node.id} ${state}`);
  }

  /** M5: the node hides the request from its list; false when unknown or already deleted. */
  deleteForNode(requestId: number, node: Node, now: Date): boolean {
    if (!this.requests.has(requestId)) return false;
    const rows = this.rowsOf(requestId);
    const row = rows.get(node.id) ?? { node: node.id, states: {} };
    if (row.deleted) return false;
    row.deleted = now;
    rows.set(node.id, row);
    return true;
  }

  /** M6: one result per (request, node), replaced on upload; accepted even for unknown requests. */
  putResult(requestId: number, node: Node, type: string, body: Buffer, now: Date): void {
    this.resultsOf(requestId).set(node.id, { type, body, modified: now });
    this.#announce(`result ${requestId} ${node.id} ${type}`);
  }

  /** Status rows in primary-key order (HSQLDB's usual order for the status list). */
  sortedRows(requestId: number): StatusRow[] {
    return [...(this.statusRows.get(requestId)?.values() ?? [])].sort((a, b) => a.node - b.node);
  }

  /** §5.3: what a node's M1 list shows. */
  visibleTo(node: Node): StoredRequest[] {
    return [...this.requests.values()].filter((r) => {
      const row = this.statusRows.get(r.id)?.get(node.id);
      return r.published !== undefined && r.closed === undefined && !row?.deleted && (!r.targeted || row !== undefined);
    });
  }

  #announce(frame: string): void {
    for (const listener of this.listeners) listener(frame);
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

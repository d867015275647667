/**
 * Drives a broker (the emulator, or a real one) over real HTTP as an admin and as hospitals, for
 * tests, benchmarks and the demo. Every unexpected status code is an Error naming the call.
 * Test equipment: it never hides a failure and never retries.
 */
import { QUERY_TYPE, queryRequestXml } from './broker-emulator/seed.js';

export type NodeState = 'retrieved' | 'queued' | 'processing' | 'completed' | 'rejected' | 'failed' | 'interaction';

export interface NodeDriver {
  /** Posts a status (M4); `date` becomes the Date header, `message` a text/plain body. */
  postStatus(id: string, status: NodeState, options?: { date?: Date; message?: string }): Promise<void>;
  /** Uploads (or replaces) this node's result (M6). */
  putResult(id: string, body: Buffer | string, contentType: string): Promise<void>;
}

export class BrokerDriver {
  constructor(
    private readonly baseUrl: string,
    private readonly adminKey = 'xxxAdmin1234',
  ) {}

  /** Creates (and by default publishes) an AKTIN query request (§4.6) carrying these tags; returns its id. */
  async createRequest(options: { tags: string[]; publish?: boolean }): Promise<string> {
    const response = await call(this.baseUrl, this.adminKey, 'POST', '/broker/request', 201, queryRequestXml(options.tags), QUERY_TYPE);
    const id = response.headers.get('location')?.split('/').at(-1);
    if (!id || !/^\d+$/.test(id)) throw new Error(`POST /broker/request: no request id in Location "${response.headers.get('location')}"`);
    if (options.publish ?? true) await this.publish(id);
    return id;
  }

  async publish(id: string): Promise<void> {
    await call(this.baseUrl, this.adminKey, 'POST', `/broker/request/${id}/publish`, 204);
  }

  async close(id: string): Promise<void> {
    await call(this.baseUrl, this.adminKey, 'POST', `/broker/request/${id}/close`, 204);
  }

  async deleteRequest(id: string): Promise<void> {
    await call(this.baseUrl, this.adminKey, 'DELETE', `/broker/request/${id}`, 204);
  }

  node(apiKey: string): NodeDriver {
    return {
      postStatus: async (id, status, options = {}) => {
        const headers: Record<string, string> = options.date ? { Date: options.date.toUTCString() } : {};
        const type = options.message === undefined ? undefined : 'text/plain; charset=UTF-8';
        await call(this.baseUrl, apiKey, 'POST', `/broker/my/request/${id}/status/${status}`, 204, options.message, type, headers);
      },
      putResult: async (id, body, contentType) => {
        await call(this.baseUrl, apiKey, 'PUT', `/aggregator/my/request/${id}/result`, 204, body, contentType);
      },
    };
  }
}

async function call(base: string, key: string, method: string, path: string, expected: number, body?: Buffer | string, type?: string, extra: Record<string, string> = {}): Promise<Response> {
  const response = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(type ? { 'Content-Type': type } : {}), ...extra },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : new Uint8Array(body) }),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${method} ${path}: HTTP ${response.status}, expected ${expected}${text ? ` (${text.slice(0, 120)})` : ''}`);
  return response;
}

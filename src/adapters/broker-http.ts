/**
 * Reads the AKTIN Broker over HTTP(S): the tagged requests with their per-node status, and
 * result bundles as streams. One keep-alive connection pool, bounded concurrency, timeouts on
 * connect and every read, retries with backoff and jitter where a retry is safe, and every
 * status code checked (the original read a 401 on the status call as "0 nodes").
 * Never writes to the broker (export creates only a temporary download) and never prints the
 * API key: messages name the request and `METHOD /path` only.
 */
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { BrokerReader, BundleDownload } from '../app/ports.js';
import { fingerprintOf } from '../core/broker-fingerprint.js';
import { completionOf, nodeCounts } from '../core/completion.js';
import type { BrokerConfig } from '../core/config.js';
import { compareRequestIds, type BrokerRequest, type BrokerSnapshot, type RequestId } from '../core/model.js';
import { MAX_XML_BYTES, parseRequestIds, parseStatusList } from './broker-xml.js';
import { LengthCheck, isRetryable, networkProblem, protocol, readBody, statusProblem } from './broker-response.js';
import { tagPredicate } from './broker-tag.js';

const QUERY_TYPE = 'application/vnd.aktin.query.request+xml';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface BrokerReaderOptions {
  readonly broker: BrokerConfig;
  readonly caBundle?: string;
  readonly concurrency?: number;
  readonly retries?: number;
  /** Base of the exponential backoff, ms. */
  readonly backoffMs?: number;
}

export function createBrokerReader(options: BrokerReaderOptions): BrokerReader {
  return new HttpBrokerReader(options);
}

class HttpBrokerReader implements BrokerReader {
  readonly #base: URL;
  readonly #agent: http.Agent;
  readonly #transport: typeof http | typeof https;
  readonly #concurrency: number;

  constructor(private readonly options: BrokerReaderOptions) {
    this.#base = new URL(options.broker.url);
    this.#transport = this.#base.protocol === 'https:' ? https : http;
    this.#concurrency = Math.max(1, options.concurrency ?? 8);
    const ca = options.caBundle ? readFileSync(options.caBundle) : undefined;
    this.#agent = new this.#transport.Agent({ keepAlive: true, maxSockets: this.#concurrency, ...(ca ? { ca } : {}) });
  }

  async readSnapshot(tag: string): Promise<BrokerSnapshot> {
    const query = new URLSearchParams({ type: QUERY_TYPE, predicate: tagPredicate(tag) });
    const list = await this.#text('GET', '/broker/request/filtered', { query, about: `the tagged request list (tag '${tag}')` });
    const ids = parseRequestIds(list, 'GET /broker/request/filtered');
    const requests = new Array<BrokerRequest>(ids.length);
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const index = next++;
        requests[index] = await this.#request(ids[index]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, ids.length) }, worker));
    return { tag, requests: requests.sort((a, b) => compareRequestIds(a.id, b.id)) };
  }

  async openBundle(id: RequestId): Promise<BundleDownload> {
    return this.#withRetries(async () => {
      const uuid = (await this.#textOnce('POST', `/broker/export/request-bundle/${id}`, { accept: 'text/plain', about: `the export of request ${id}` })).trim();
      if (!UUID.test(uuid)) throw protocol(`POST /broker/export/request-bundle/${id}`, `the download id is not a UUID`);
      const path = `/broker/download/${uuid}`;
      const response = await this.#send('GET', path, { about: `the bundle of request ${id}`, accept: '*/*' });
      const size = response.headers['content-length'] === undefined ? undefined : Number(response.headers['content-length']);
      const fileName = /filename="([^"]*)"/.exec(String(response.headers['content-disposition'] ?? ''))?.[1];
      if (fileName !== undefined && fileName !== `export_${id}.zip`) {
        response.destroy();
        throw protocol(`GET ${path}`, `the bundle is named "${fileName.slice(0, 60)}", expected export_${id}.zip`);
      }
      const stream = response.pipe(new LengthCheck(size, `GET /broker/download/… (request ${id})`));
      response.on('error', (error) => stream.destroy(networkProblem(`GET ${path}`, `the bundle of request ${id}`, error)));
      response.on('aborted', () => stream.destroy(networkProblem(`GET ${path}`, `the bundle of request ${id}`, new Error('connection closed'))));
      return { stream, ...(size === undefined ? {} : { size }), ...(fileName === undefined ? {} : { fileName }) };
    });
  }

  async close(): Promise<void> {
    this.#agent.destroy();
  }

  async #request(id: RequestId): Promise<BrokerRequest> {
    const xml = await this.#text('GET', `/broker/request/${id}/status`, { about: `the status of request ${id}` });
    const statuses = parseStatusList(xml, `GET /broker/request/${id}/status`);
    const { nodes, completed } = nodeCounts(statuses);
    return { id, completion: completionOf(completed, nodes), fingerprint: fingerprintOf(statuses), nodes, completed };
  }

  #text(method: string, path: string, how: { query?: URLSearchParams; about: string; accept?: string }): Promise<string> {
    return this.#withRetries(() => this.#textOnce(method, path, how));
  }

  async #textOnce(method: string, path: string, how: { query?: URLSearchParams; about: string; accept?: string }): Promise<string> {
    const response = await this.#send(method, path, how);
    const body = await readBody(response, MAX_XML_BYTES, `${method} ${path}`, how.about);
    return body.toString('utf8');
  }

  /** Sends one request and resolves with a checked response (status 200), body unread. */
  #send(method: string, path: string, how: { query?: URLSearchParams; about: string; accept?: string }): Promise<IncomingMessage> {
    const endpoint = `${method} ${path}`;
    const url = new URL(this.#base.pathname.replace(/\/$/, '') + path + (how.query ? `?${how.query}` : ''), this.#base);
    const timeout = this.options.broker.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const request = this.#transport.request(url, {
        method,
        agent: this.#agent,
        timeout,
        headers: { Authorization: `Bearer ${this.options.broker.apiKey.reveal()}`, Accept: how.accept ?? 'application/xml' },
      });
      request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer within ${timeout / 1000} s`), { code: 'ETIMEDOUT' })));
      request.on('error', (error) => reject(networkProblem(endpoint, how.about, error)));
      request.on('response', (response) => {
        if (response.statusCode === 200) return resolve(response);
        response.resume();
        reject(statusProblem(endpoint, how.about, response.statusCode ?? 0));
      });
      request.end();
    });
  }

  async #withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    const retries = this.options.retries ?? 3;
    const base = this.options.backoffMs ?? 200;
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (n >= retries || !isRetryable(error)) throw error;
        await new Promise((r) => setTimeout(r, base * 2 ** n * (0.5 + Math.random())));
      }
    }
  }
}

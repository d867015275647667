/**
 * Reads the AKTIN Broker over HTTP(S): the tagged requests with their per-node status, and
 * result bundles as streams. One keep-alive connection pool (maxSockets = concurrency) for every
 * call, bounded concurrency, timeouts on connect and every read, retries with exponential
 * backoff and jitter where a retry is safe (GETs and the export POST, on 5xx and network
 * errors, never on 4xx), and every status code checked: the original read a 401 on the status
 * call as "0 nodes".
 * Never writes to the broker (an export creates only a temporary download) and never puts the
 * API key in a message: problems name the request and `METHOD /path` only.
 */
import { readFileSync } from 'node:fs';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { BrokerReader, BundleDownload, EventSink } from '../app/ports.js';
import { fingerprintOf } from '../core/broker-fingerprint.js';
import { completionOf, nodeCounts } from '../core/completion.js';
import type { BrokerConfig } from '../core/config.js';
import { compareRequestIds, isRequestId, type BrokerRequest, type BrokerSnapshot, type RequestId } from '../core/model.js';
import { ProblemError, problem } from '../core/problem.js';
import { guardBody } from './broker-body.js';
import { contentLength, networkProblem, protocolProblem, readBody, statusProblem } from './broker-response.js';
import { withRetries } from './broker-retry.js';
import { tagPredicate } from './broker-tag.js';
import { MAX_XML_BYTES, parseRequestIds, parseStatusList } from './broker-xml.js';

const QUERY_TYPE = 'application/vnd.aktin.query.request+xml';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BUNDLE_NAME = /^export_(\d+)\.zip$/;

export interface BrokerReaderOptions {
  readonly broker: BrokerConfig;
  /** PEM file of the CAs to trust for an https broker URL (replaces the default CAs). */
  readonly caBundle?: string;
  /** Calls in flight at once, and the size of the connection pool; default 8. */
  readonly concurrency?: number;
  /** Retries after the first attempt; default 3. */
  readonly retries?: number;
  /** Base of the exponential backoff, ms; default 250. */
  readonly backoffMs?: number;
  /** Receives a warning for every retry. */
  readonly onEvent?: EventSink;
}

interface Call {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: URLSearchParams;
  /** What is being read, for messages: "the status of request 4". */
  readonly about: string;
  readonly accept: string;
}

export function createBrokerReader(options: BrokerReaderOptions): BrokerReader {
  return new HttpBrokerReader(options);
}

class HttpBrokerReader implements BrokerReader {
  readonly #base: URL;
  readonly #agent: http.Agent;
  readonly #transport: typeof http | typeof https;
  readonly #concurrency: number;
  readonly #timeoutMs: number;

  constructor(private readonly options: BrokerReaderOptions) {
    this.#base = new URL(options.broker.url);
    this.#transport = this.#base.protocol === 'https:' ? https : http;
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
    this.#timeoutMs = options.broker.timeoutSeconds * 1000;
    const ca = options.caBundle === undefined ? undefined : readCaBundle(options.caBundle);
    this.#agent = new this.#transport.Agent({ keepAlive: true, maxSockets: this.#concurrency, maxFreeSockets: this.#concurrency, ...(ca ? { ca } : {}) });
  }

  async readSnapshot(tag: string): Promise<BrokerSnapshot> {
    const query = new URLSearchParams({ type: QUERY_TYPE, predicate: tagPredicate(tag) }); // + becomes %2B
    const list = await this.#text({ method: 'GET', path: '/broker/request/filtered', query, about: `the request list for tag '${tag}'`, accept: 'application/xml' });
    const ids = parseRequestIds(list, 'GET /broker/request/filtered');
    const requests = new Array<BrokerRequest>(ids.length);
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < ids.length && !failed) {
        const index = next++;
        try {
          requests[index] = await this.#request(ids[index]!);
        } catch (error) {
          failed = true; // the other workers stop taking ids
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, ids.length) }, worker));
    return { tag, requests: requests.sort((a, b) => compareRequestIds(a.id, b.id)) };
  }

  async openBundle(id: RequestId): Promise<BundleDownload> {
    if (!isRequestId(id)) throw new Error(`openBundle: "${id}" is not a request id`);
    const about = `the bundle of request ${id}`;
    return this.#retrying(async () => {
      const exported = { method: 'POST', path: `/broker/export/request-bundle/${id}`, about: `the export of request ${id}`, accept: 'text/plain' } as const;
      const uuid = (await this.#textOnce(exported, 1024)).trim();
      if (!UUID.test(uuid)) throw protocolProblem(`POST ${exported.path}`, exported.about, `the download id "${uuid.slice(0, 40)}" is not a UUID`);
      const download: Call = { method: 'GET', path: `/broker/download/${uuid}`, about, accept: '*/*' };
      const endpoint = `GET /broker/download/{uuid} (request ${id})`;
      const { request, response } = await this.#send(download);
      const fileName = /filename="([^"]*)"/.exec(String(response.headers['content-disposition'] ?? ''))?.[1];
      if (fileName !== undefined && BUNDLE_NAME.exec(fileName)?.[1] !== id) {
        request.destroy();
        throw protocolProblem(endpoint, about, `the file is named "${fileName.slice(0, 60)}", expected export_${id}.zip`);
      }
      const size = contentLength(response);
      const stream = guardBody(request, response, { ...(size === undefined ? {} : { expected: size }), timeoutMs: this.#timeoutMs, endpoint, about });
      return { stream, ...(size === undefined ? {} : { size }), ...(fileName === undefined ? {} : { fileName }) };
    });
  }

  async close(): Promise<void> {
    this.#agent.destroy();
  }

  async #request(id: RequestId): Promise<BrokerRequest> {
    const xml = await this.#text({ method: 'GET', path: `/broker/request/${id}/status`, about: `the status of request ${id}`, accept: 'application/xml' });
    const statuses = parseStatusList(xml, `GET /broker/request/${id}/status`);
    const { nodes, completed } = nodeCounts(statuses);
    return { id, completion: completionOf(completed, nodes), fingerprint: fingerprintOf(statuses), nodes, completed };
  }

  #text(call: Call): Promise<string> {
    return this.#retrying(() => this.#textOnce(call, MAX_XML_BYTES));
  }

  async #textOnce(call: Call, cap: number): Promise<string> {
    const { response } = await this.#send(call);
    return (await readBody(response, cap, `${call.method} ${call.path}`, call.about)).toString('utf8');
  }

  #retrying<T>(attempt: () => Promise<T>): Promise<T> {
    return withRetries(attempt, { retries: this.options.retries ?? 3, backoffMs: this.options.backoffMs ?? 250, ...(this.options.onEvent ? { onEvent: this.options.onEvent } : {}) });
  }

  /** Sends one call; resolves once the status is 200, with the body unread. */
  #send(call: Call): Promise<{ request: ClientRequest; response: IncomingMessage }> {
    const endpoint = `${call.method} ${call.path}`;
    const url = new URL(this.#base.pathname.replace(/\/+$/, '') + call.path + (call.query ? `?${call.query}` : ''), this.#base);
    return new Promise((resolve, reject) => {
      const request = this.#transport.request(url, {
        method: call.method,
        agent: this.#agent,
        timeout: this.#timeoutMs, // socket idle: connect, waiting for the answer, each read of a small body
        headers: { Authorization: `Bearer ${this.options.broker.apiKey.reveal()}`, Accept: call.accept },
      });
      request.on('timeout', () => request.destroy(Object.assign(new Error(`no answer within ${this.#timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
      request.on('error', (error) => reject(networkProblem(endpoint, call.about, error)));
      request.on('response', (response) => {
        if (response.statusCode === 200) return resolve({ request, response });
        response.resume();
        reject(statusProblem(endpoint, call.about, response.statusCode ?? 0));
      });
      request.end();
    });
  }
}

function readCaBundle(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    throw new ProblemError(problem('CONFIG_INVALID', `The CA bundle ${path} cannot be read`, `REQUESTS_CA_BUNDLE names ${path}: ${code}.`, 'Point REQUESTS_CA_BUNDLE at a readable PEM file, or remove it to trust the system CAs.'), { cause: error });
  }
}

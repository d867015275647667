/**
 * Reads the AKTIN Broker over HTTP(S): the tagged requests with their per-node status, and
 * result bundles as streams. Bounded concurrency over one keep-alive pool (transport.ts),
 * timeouts on connect and every read, retries with exponential backoff and jitter where a retry
 * is safe (GETs and the export POST, on 5xx and network errors, never on 4xx), and every status
 * code checked: the original read a 401 on the status call as "0 nodes".
 * A bundle stream errors unless it is a complete zip of the announced length (bundle-check.ts),
 * and every call is timed: an idle timeout and a deadline, or a pace for bundle bodies.
 * Never writes to the broker (an export creates only a temporary download) and never puts the
 * API key or a download id in a message: problems name the request and `METHOD /path` only.
 */
import type { BrokerReader, BundleDownload, EventSink } from '../../app/ports.js';
import { fingerprintOf } from '../../core/broker-fingerprint.js';
import { completionOf, nodeCounts } from '../../core/completion.js';
import type { BrokerConfig } from '../../core/config.js';
import { interning } from '../../core/interning.js';
import { runBounded } from '../../core/run-bounded.js';
import { compareRequestIds, isRequestId, type BrokerRequest, type BrokerSnapshot, type RequestId } from '../../core/model.js';
import { guardBody } from './body.js';
import { bundleTypeProblem } from './bundle-check.js';
import { contentLength, protocolProblem } from './response.js';
import { tagPredicate } from './tag.js';
import { BrokerTransport } from './transport.js';
import { MAX_XML_BYTES, parseRequestIds, parseStatusList } from './xml.js';

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

export function createBrokerReader(options: BrokerReaderOptions): BrokerReader {
  return new HttpBrokerReader(options);
}

class HttpBrokerReader implements BrokerReader {
  readonly #http: BrokerTransport;
  readonly #concurrency: number;

  constructor(options: BrokerReaderOptions) {
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
    this.#http = new BrokerTransport({
      broker: options.broker,
      ...(options.caBundle === undefined ? {} : { caBundle: options.caBundle }),
      concurrency: this.#concurrency,
      retries: options.retries ?? 3,
      backoffMs: options.backoffMs ?? 250,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
  }

  async readSnapshot(tag: string, only?: readonly RequestId[]): Promise<BrokerSnapshot> {
    const query = new URLSearchParams({ type: QUERY_TYPE, predicate: tagPredicate(tag) }); // + becomes %2B
    const list = await this.#http.bytes({ method: 'GET', path: '/broker/request/filtered', query, about: `the request list for tag '${tag}'`, accept: 'application/xml' }, MAX_XML_BYTES);
    const listed = parseRequestIds(list, 'GET /broker/request/filtered');
    const wanted = only === undefined ? null : new Set(only);
    const ids = wanted === null ? listed : listed.filter((id) => wanted.has(id));
    const requests = new Array<BrokerRequest>(ids.length);
    const completions = interning(); // "1.0", "0.5", …
    let failure: { error: unknown } | undefined;
    // The first failure stops the other workers taking ids; it is what the caller sees.
    await runBounded(
      ids.map((id, index) => ({ id, index })),
      this.#concurrency,
      async ({ id, index }) => {
        try {
          requests[index] = await this.#request(id, completions);
        } catch (error) {
          failure ??= { error };
        }
      },
      () => failure === undefined,
    );
    if (failure) throw failure.error;
    const sorted = requests.sort((a, b) => compareRequestIds(a.id, b.id));
    return wanted === null ? { tag, requests: sorted } : { tag, requests: sorted, listed: listed.length };
  }

  async openBundle(id: RequestId): Promise<BundleDownload> {
    if (!isRequestId(id)) throw new Error('openBundle takes a request id (decimal digits)');
    const about = `the bundle of request ${id}`;
    // Export and download are retried together: a fresh export is harmless, a failed download id is useless.
    return this.#http.retrying(async () => {
      const exported = { method: 'POST', path: `/broker/export/request-bundle/${id}`, about: `the export of request ${id}`, accept: 'text/plain' } as const;
      const uuid = (await this.#http.textOnce(exported, 1024)).trim();
      if (!UUID.test(uuid)) throw protocolProblem(`POST ${exported.path}`, exported.about, `the answer (${uuid.length} characters) is not a download id (a UUID)`);
      const endpoint = `GET /broker/download/{uuid} (request ${id})`;
      const { request, response, endDeadline } = await this.#http.send({ method: 'GET', path: `/broker/download/${uuid}`, about, accept: '*/*' });
      endDeadline(); // the body is timed by its pace (pace.ts), not by a deadline
      const fileName = /filename="([^"]*)"/.exec(String(response.headers['content-disposition'] ?? ''))?.[1];
      const refused =
        bundleTypeProblem(response.headers['content-type']) ??
        (fileName !== undefined && BUNDLE_NAME.exec(fileName)?.[1] !== id ? `the file is named "${fileName.slice(0, 60)}", expected export_${id}.zip` : undefined);
      if (refused) {
        request.destroy();
        throw protocolProblem(endpoint, about, refused);
      }
      const size = contentLength(response);
      const stream = guardBody(request, response, { ...(size === undefined ? {} : { expected: size }), timeoutMs: this.#http.timeoutMs, endpoint, about });
      return { stream, ...(size === undefined ? {} : { size }), ...(fileName === undefined ? {} : { fileName }) };
    });
  }

  async close(): Promise<void> {
    this.#http.close();
  }

  async #request(id: RequestId, completions: (value: string) => string): Promise<BrokerRequest> {
    const path = `/broker/request/${id}/status`;
    const xml = await this.#http.bytes({ method: 'GET', path, about: `the status of request ${id}`, accept: 'application/xml' }, MAX_XML_BYTES);
    const statuses = parseStatusList(xml, `GET ${path}`);
    const { nodes, completed } = nodeCounts(statuses);
    return { id, completion: completions(completionOf(completed, nodes)), fingerprint: fingerprintOf(statuses), nodes, completed };
  }
}

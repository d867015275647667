/**
 * The first stage of the upload pipeline: the exports and downloads of the next bundles run ahead
 * of the uploads, so a run far from its broker pays the round trips of many requests at once
 * instead of one upload's at a time, and a slow export of one request never idles the others.
 *
 * Bounded: at most `ahead` bundles are fetched and not yet taken (the queue between the stages),
 * and a bundle is held in memory only up to `maxBundleBytes`; a larger one (or one of unknown
 * size) is dropped after its headers and opened again by its upload, streaming as before, so
 * memory stays flat whatever the bundles weigh. Fetching is read-only at the broker (an export
 * makes a temporary download); a failed fetch fails its upload with the same problem, when the
 * upload takes it, and a fetch nobody takes (interrupt, stopped run) is dropped.
 */
import { Readable } from 'node:stream';
import type { RequestId } from '../core/model.js';
import type { BrokerReader, BundleDownload } from './ports.js';

/** A small bundle's bytes, or null: open it when its upload runs. */
type Fetched = { readonly bytes: Buffer; readonly fileName?: string } | null;

export const PREFETCH_MAX_BUNDLE_BYTES = 1024 * 1024;

export class BundlePrefetch {
  readonly #broker: Pick<BrokerReader, 'openBundle'>;
  readonly #ids: readonly RequestId[];
  readonly #ahead: number;
  readonly #maxBundleBytes: number;
  readonly #mayStart: () => boolean;
  readonly #fetched = new Map<RequestId, Promise<Fetched>>();
  #next = 0;

  constructor(broker: Pick<BrokerReader, 'openBundle'>, ids: readonly RequestId[], options: { readonly ahead: number; readonly maxBundleBytes?: number; readonly mayStart?: () => boolean }) {
    this.#broker = broker;
    this.#ids = ids;
    this.#ahead = Math.max(0, Math.floor(options.ahead));
    this.#maxBundleBytes = options.maxBundleBytes ?? PREFETCH_MAX_BUNDLE_BYTES;
    this.#mayStart = options.mayStart ?? (() => true);
  }

  /** Starts the first fetches; uploads then keep the queue filled as they take from it (while `mayStart` allows). */
  start(): void {
    while (this.#fetched.size < this.#ahead && this.#next < this.#ids.length && this.#mayStart()) {
      const id = this.#ids[this.#next++]!;
      if (this.#fetched.has(id)) continue;
      const fetching = this.#fetch(id);
      fetching.catch(() => undefined); // seen by the upload that takes it; dropped if none does
      this.#fetched.set(id, fetching);
    }
  }

  async openBundle(id: RequestId): Promise<BundleDownload> {
    const fetching = this.#fetched.get(id);
    this.#fetched.delete(id);
    this.start();
    const fetched = fetching ? await fetching : null;
    if (fetched === null) return this.#broker.openBundle(id);
    return { stream: Readable.from([fetched.bytes]), size: fetched.bytes.length, ...(fetched.fileName === undefined ? {} : { fileName: fetched.fileName }) };
  }

  async #fetch(id: RequestId): Promise<Fetched> {
    const bundle = await this.#broker.openBundle(id);
    if (bundle.size === undefined || bundle.size > this.#maxBundleBytes) {
      bundle.stream.destroy();
      return null;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of bundle.stream) chunks.push(chunk as Buffer);
    return { bytes: Buffer.concat(chunks), ...(bundle.fileName === undefined ? {} : { fileName: bundle.fileName }) };
  }
}

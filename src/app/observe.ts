/**
 * The observe use case: the one way a run looks at the world — one broker pass, one ledger
 * read, one listing of the SFTP folder and one streamed digest of the remote ledger copy, concurrently.
 * Read-only by construction: nothing here calls a method that writes anywhere.
 */
import type { ActualState, Observation } from '../core/observation.js';
import type { RemoteListing, RequestId } from '../core/model.js';
import { LEDGER_FILE_NAME, requestIdOfExportFile } from '../core/remote-names.js';
import type { BrokerReader, LedgerStore, RemoteFolder } from './ports.js';

/** With `only` (a targeted plan), the broker is asked about those requests alone. */
export async function observe(
  source: { broker: BrokerReader; remote: RemoteFolder; ledgerStore: LedgerStore },
  tag: string,
  only?: readonly RequestId[],
): Promise<Observation> {
  const [broker, actual] = await Promise.all([source.broker.readSnapshot(tag, only), observeActual(source)]);
  return { broker, ...actual };
}

/** The tool's own side only (ledger and folder): what drift needs, without the broker. */
export async function observeActual(source: { remote: RemoteFolder; ledgerStore: LedgerStore }): Promise<ActualState> {
  const [ledger, entries] = await Promise.all([source.ledgerStore.read(), source.remote.list()]);
  const files = entries.filter((e) => e.type === undefined);
  // Only where they block a name the tool writes; any other directory is none of its business.
  const obstacles = entries.flatMap((e) => (e.type !== undefined && (e.name === LEDGER_FILE_NAME || requestIdOfExportFile(e.name) !== null) ? [{ name: e.name, type: e.type }] : []));
  const remoteLedger = files.some((f) => f.name === LEDGER_FILE_NAME) ? await source.remote.digest(LEDGER_FILE_NAME) : null;
  const listing: RemoteListing = {
    files,
    ...(obstacles.length > 0 ? { obstacles } : {}),
    ...(remoteLedger === null ? {} : { ledgerSha256: remoteLedger.sha256 }),
  };
  return { ledger, ledgerPath: source.ledgerStore.path, listing };
}

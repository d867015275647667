/**
 * A remote folder whose connection is still being opened. The SSH handshake costs several round
 * trips to the server; a run that waited for it before asking the broker anything paid them in
 * series. Each call waits for the connection, so a refused one fails the first call, with its
 * own problem; close() waits for it too and closes it, or does nothing when it failed.
 */
import type { RemoteFolder } from './ports.js';

export function deferredRemote(opening: Promise<RemoteFolder>): RemoteFolder {
  // Seen by the first call; a run that ends before any call must not leave it unhandled.
  void opening.catch(() => undefined);
  return {
    list: async () => (await opening).list(),
    stat: async (name) => (await opening).stat(name),
    read: async (name, maxBytes) => (await opening).read(name, maxBytes),
    digest: async (name, signal) => (await opening).digest(name, signal),
    write: async (name, source, options) => (await opening).write(name, source, options),
    rename: async (from, to) => (await opening).rename(from, to),
    remove: async (name) => (await opening).remove(name),
    close: async () => {
      const remote = await opening.catch(() => null);
      await remote?.close();
    },
  };
}

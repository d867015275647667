/**
 * The remote a run writes to, named for plans and people: which server and folder, never the
 * user or a secret. A saved plan carries it (format 1.2) and apply refuses a plan made for
 * another remote. Not percent-encoded: it is compared and shown, never fetched.
 */
import type { RemoteConfig } from './config.js';

/** `sftp://host/folder`; the port only when it is not 22; an absolute folder keeps its slash (`sftp://host//srv/drop`). */
export function remoteLocation(remote: RemoteConfig): string {
  switch (remote.kind) {
    case 'sftp': {
      const host = remote.host.includes(':') ? `[${remote.host}]` : remote.host;
      return `sftp://${host}${remote.port === 22 ? '' : `:${remote.port}`}/${remote.folder}`;
    }
  }
}

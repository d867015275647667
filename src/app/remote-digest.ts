/**
 * The SHA-256 of a remote file, read as a stream: memory stays flat whatever its size. The remote
 * status.xml is digested on every run, and at 100,000 ledger entries it is ~46 MB.
 */
import { createHash } from 'node:crypto';
import type { ContentRead } from '../core/drift.js';
import type { RemoteFolder } from './ports.js';

/** null when the file does not exist; stops early (digest of what was read) once `signal` aborts. */
export async function remoteDigest(remote: Pick<RemoteFolder, 'openRead'>, name: string, signal?: AbortSignal): Promise<ContentRead> {
  const stream = await remote.openRead(name);
  if (stream === null) return null;
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of stream) {
      if (signal?.aborted) break; // leaving the loop destroys the stream, which closes the file
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  } finally {
    stream.destroy();
  }
  return { sha256: hash.digest('hex'), bytes };
}

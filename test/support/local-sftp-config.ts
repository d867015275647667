/**
 * The SFTP configuration of the in-process SFTP server (integration/local-sftp-server.ts): its
 * address, login and pinned host key, folder `rki`, a 5 s timeout; `change` overrides any of it
 * (a proxy's port, a private key instead of the password).
 */
import type { SftpConfig } from '../../src/core/config.js';
import { Secret } from '../../src/core/secret.js';
import type { LocalSftpServer } from '../../integration/local-sftp-server.js';

export function localSftpConfig(server: LocalSftpServer, change: Partial<SftpConfig> = {}): SftpConfig {
  return {
    host: server.host,
    port: server.port,
    username: server.username,
    password: new Secret(server.password),
    timeoutSeconds: 5,
    folder: 'rki',
    hostKeyFingerprints: [server.hostKeyFingerprint],
    ...change,
  };
}

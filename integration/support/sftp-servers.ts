/**
 * The non-OpenSSH SFTP servers that integration/run-all-tests.sh starts with the scripts in
 * integration/servers/ (ProFTPD's mod_sftp with and without posix-rename, `rclone serve sftp`),
 * read from the SFTP_<NAME>_* lines those scripts print.
 */
import { readFileSync } from 'node:fs';
import { fingerprintOfPublicKey, type SftpTarget } from './e2e-world.js';

export interface InteropServer {
  /** The SFTP_<NAME>_ prefix the start script was given. */
  readonly name: string;
  /** What the tests call it. */
  readonly label: string;
  /** Whether the server offers posix-rename@openssh.com. */
  readonly atomicRename: boolean;
}

export const INTEROP_SERVERS: readonly InteropServer[] = [
  { name: 'PROFTPD', label: 'ProFTPD mod_sftp', atomicRename: true },
  { name: 'PROFTPD_NORENAME', label: 'ProFTPD mod_sftp without posix-rename', atomicRename: false },
  { name: 'RCLONE', label: 'rclone serve sftp', atomicRename: true },
];

export function interopTarget(server: InteropServer): SftpTarget {
  const env = process.env;
  const key = (field: string) => `SFTP_${server.name}_${field}`;
  const missing = ['PORT', 'USER', 'PASS', 'FOLDER', 'HOSTKEY_PUB'].map(key).filter((k) => !env[k]);
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')} not set: run integration tests through 'npm test' (integration/run-all-tests.sh), which starts ${server.label}`);
  }
  return {
    host: '127.0.0.1',
    port: Number(env[key('PORT')]),
    username: env[key('USER')]!,
    password: env[key('PASS')]!,
    folder: env[key('FOLDER')]!,
    hostKeyFingerprint: fingerprintOfPublicKey(readFileSync(env[key('HOSTKEY_PUB')]!, 'utf8')),
  };
}

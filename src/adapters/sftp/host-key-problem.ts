/**
 * The messages for a refused SSH host key. Only an entry of the same key type that differs (or a
 * revoked key) is reported as a possible interception; a known_hosts file that lists only other
 * key types for the host is a gap in the file, said calmly, with what to add.
 */
import type { SftpConfig } from '../../core/config.js';
import { ProblemError, problem } from '../../core/problem.js';
import type { HostKeyVerdict } from './host-key.js';

/** A key the server showed during one handshake: its type and `SHA256:` fingerprint. */
export interface PresentedKey {
  readonly type: string;
  readonly fingerprint: string;
}

type Where = Pick<SftpConfig, 'host' | 'port' | 'knownHosts' | 'hostKeyFingerprints'>;

/** `presented` holds every key shown, one per handshake, the last one refused last. */
export function hostKeyProblem(config: Where, verdict: Exclude<HostKeyVerdict, 'trusted'>, presented: PresentedKey | readonly PresentedKey[], knownTypes: readonly string[] = []): ProblemError {
  const keys = Array.isArray(presented) ? (presented as readonly PresentedKey[]) : [presented as PresentedKey];
  const where = `${config.host}:${config.port}`;
  const last = keys[keys.length - 1]!;
  if (verdict === 'mismatch' || verdict === 'revoked') {
    return new ProblemError(
      problem(
        'HOST_KEY_MISMATCH',
        `The SSH host key of ${where} ${verdict === 'revoked' ? 'is revoked' : 'does not match known_hosts'}`,
        `The server presented ${describe(last)}; ${config.knownHosts} lists ${verdict === 'revoked' ? 'it as @revoked' : `a different ${last.type} key for this host`}. ` +
          'This can mean the server was reinstalled or that someone is intercepting the connection. Nothing was sent.',
        `If the key change is expected, update ${config.knownHosts}. ${pinHint(keys[0]!)}`,
      ),
    );
  }
  const shown = `The server presented ${keys.map(describe).join(', ')}.`;
  if (verdict === 'unknown-type') {
    return new ProblemError(
      problem(
        'HOST_KEY_UNKNOWN',
        `The SSH host key of ${where} is not in known_hosts`,
        `${shown} ${config.knownHosts} lists only ${knownTypes.join(', ') || 'other'} keys for this host, and the server offers none of those types: ` +
          'the file lacks this key type (that alone is no sign of interception). Nothing was sent.',
        `Add the server's ${last.type} key to ${config.knownHosts}, or ${pinHint(keys[0]!, 'pin')}`,
      ),
    );
  }
  const nothingConfigured = config.hostKeyFingerprints.length === 0 && !config.knownHosts;
  return new ProblemError(
    problem(
      'HOST_KEY_UNKNOWN',
      `The SSH host key of ${where} is not trusted`,
      `${shown} ${nothingConfigured ? 'No host key is configured (HOST_KEY_FINGERPRINTS or KNOWN_HOSTS): aktin-sftp never trusts an unknown server.' : `${keys.length > 1 ? 'None matches' : 'It matches none of'} the configured host keys.`} Nothing was sent.`,
      pinHint(keys[0]!),
    ),
  );
}

function describe(key: PresentedKey): string {
  return key.type ? `${key.fingerprint} (${key.type})` : key.fingerprint;
}

function pinHint(key: PresentedKey, lead: 'Compare' | 'pin' = 'Compare'): string {
  const file = `/etc/ssh/ssh_host_${keyFileKind(key.type)}_key.pub`;
  const compare = lead === 'pin' ? `after comparing ${key.fingerprint} with 'ssh-keygen -lf ${file}' run on the server (out of band), pin it` : `Compare it with 'ssh-keygen -lf ${file}' run on the server (out of band); if it matches, pin it`;
  return `${compare} under [SFTP] in the configuration:\n  HOST_KEY_FINGERPRINTS = ["${key.fingerprint}"]`;
}

/** The word OpenSSH uses in its host key file names. */
function keyFileKind(type: string): string {
  if (type.startsWith('ecdsa-')) return 'ecdsa';
  if (type === 'ssh-rsa') return 'rsa';
  if (type === 'ssh-dss') return 'dsa';
  return 'ed25519';
}

/**
 * The fixed, test-only SSH keys in test/fixtures/ssh/ (see the README there): generated keys from
 * ssh2 are occasionally rejected by ssh2's own parser, fixed ones never are.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const SSH_FIXTURES = resolve(import.meta.dirname, '..', 'fixtures', 'ssh');

export interface TestKey {
  /** Path of the private key file (OpenSSH format). */
  readonly privatePath: string;
  readonly private: string;
  /** The OpenSSH public key line, "ssh-ed25519 AAAA… comment". */
  readonly public: string;
}

function key(name: string): TestKey {
  const privatePath = resolve(SSH_FIXTURES, name);
  return { privatePath, private: readFileSync(privatePath, 'utf8'), public: readFileSync(`${privatePath}.pub`, 'utf8').trim() };
}

/** Host key of the in-process SFTP server. */
export const hostKey = (): TestKey => key('host_ed25519');
/** Client key, encrypted with CLIENT_KEY_PASSPHRASE. */
export const clientKey = (): TestKey => key('client_ed25519');
export const CLIENT_KEY_PASSPHRASE = 'correct horse';
/** A key no test server accepts. */
export const otherKey = (): TestKey => key('other_ed25519');

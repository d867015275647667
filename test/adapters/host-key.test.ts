import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { fingerprintOf, knownHostsVerdict, verifyHostKey, type HostKeyVerdict } from '../../src/adapters/host-key.js';

const key = randomBytes(51);
const other = randomBytes(51);
const b64 = (k: Buffer) => k.toString('base64');
const hashed = (name: string) => {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};

describe('host keys', () => {
  it('prints fingerprints as ssh-keygen -lf does', () => {
    assert.equal(fingerprintOf(key), 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, ''));
  });

  it('trusts a pinned fingerprint, with or without padding, among several', () => {
    const pin = fingerprintOf(key);
    const config = { host: 'sftp.example.org', port: 22, hostKeyFingerprints: [fingerprintOf(other), pin] };
    assert.equal(verifyHostKey(config, key), 'trusted');
    assert.equal(verifyHostKey({ ...config, hostKeyFingerprints: [pin + '='] }, key), 'trusted');
    assert.equal(verifyHostKey({ ...config, hostKeyFingerprints: [fingerprintOf(other)] }, key), 'unknown');
    assert.equal(verifyHostKey({ ...config, hostKeyFingerprints: [] }, key), 'unknown', 'nothing pinned: never trusted');
  });

  const cases: [string, string, string, number, HostKeyVerdict][] = [
    ['a plain entry', `sftp.example.org ssh-ed25519 ${b64(key)}`, 'sftp.example.org', 22, 'trusted'],
    ['a pattern list with a wildcard', `other,*.example.org ssh-ed25519 ${b64(key)} comment`, 'sftp.example.org', 22, 'trusted'],
    ['a non-standard port', `[127.0.0.1]:2222 ssh-ed25519 ${b64(key)}`, '127.0.0.1', 2222, 'trusted'],
    ['the port-22 entry does not cover another port', `127.0.0.1 ssh-ed25519 ${b64(key)}`, '127.0.0.1', 2222, 'unknown'],
    ['a hashed entry', `${hashed('sftp.example.org')} ssh-ed25519 ${b64(key)}`, 'sftp.example.org', 22, 'trusted'],
    ['a hashed entry with a port', `${hashed('[10.0.0.5]:2200')} ssh-ed25519 ${b64(key)}`, '10.0.0.5', 2200, 'trusted'],
    ['another key for the host', `sftp.example.org ssh-ed25519 ${b64(other)}`, 'sftp.example.org', 22, 'mismatch'],
    ['a revoked key', `@revoked * ssh-ed25519 ${b64(key)}\nsftp.example.org ssh-ed25519 ${b64(key)}`, 'sftp.example.org', 22, 'revoked'],
    ['a negated pattern', `!sftp.example.org,*.example.org ssh-ed25519 ${b64(key)}`, 'sftp.example.org', 22, 'unknown'],
    ['comments and blank lines only', '# nothing\n\n', 'sftp.example.org', 22, 'unknown'],
  ];
  for (const [name, text, host, port, want] of cases) {
    it(`known_hosts: ${name} → ${want}`, () => assert.equal(knownHostsVerdict(text, host, port, key), want));
  }
});

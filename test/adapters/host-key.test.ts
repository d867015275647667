import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { fingerprintOf, fingerprintOfDigest, hostKeyProblem, knownHostsVerdict, verifyHostKey, type HostKeyVerdict } from '../../src/adapters/host-key.js';

const key = randomBytes(51);
const other = randomBytes(51);
const b64 = (k: Buffer) => k.toString('base64');
/** What ssh2 hands the verifier with hostHash 'sha256'. */
const hex = (k: Buffer) => createHash('sha256').update(k).digest('hex');
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
    assert.equal(verifyHostKey(config, hex(key)), 'trusted');
    assert.equal(verifyHostKey({ ...config, hostKeyFingerprints: [pin + '='] }, hex(key)), 'trusted');
    assert.equal(verifyHostKey({ ...config, hostKeyFingerprints: [fingerprintOf(other)] }, hex(key)), 'unknown');
    assert.equal(verifyHostKey({ ...config, hostKeyFingerprints: [] }, hex(key)), 'unknown', 'nothing pinned: never trusted');
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
    it(`known_hosts: ${name} → ${want}`, () => assert.equal(knownHostsVerdict(text, host, port, Buffer.from(hex(key), 'hex')), want));
  }

  it('combines pins and known_hosts: a revoked key stays refused even when pinned', () => {
    const base = { host: 'sftp.example.org', port: 22, hostKeyFingerprints: [fingerprintOf(key)] };
    assert.equal(verifyHostKey({ ...base, knownHostsText: `sftp.example.org ssh-ed25519 ${b64(other)}` }, hex(key)), 'trusted', 'a pin wins over a stale entry');
    assert.equal(verifyHostKey({ ...base, knownHostsText: `@revoked sftp.example.org ssh-ed25519 ${b64(key)}` }, hex(key)), 'revoked');
    assert.equal(verifyHostKey({ ...base, hostKeyFingerprints: [], knownHostsText: `sftp.example.org ssh-ed25519 ${b64(other)}` }, hex(key)), 'mismatch');
    assert.equal(verifyHostKey(base, 'not hex'), 'unknown', 'a malformed digest is never trusted');
  });

  it('the fingerprint from the digest equals the one from the key', () => {
    assert.equal(fingerprintOfDigest(Buffer.from(hex(key), 'hex')), fingerprintOf(key));
  });

  const problems: [HostKeyVerdict, string, RegExp][] = [
    ['unknown', 'HOST_KEY_UNKNOWN', /matches none of the configured host keys/],
    ['mismatch', 'HOST_KEY_MISMATCH', /a different key for this host/],
    ['revoked', 'HOST_KEY_MISMATCH', /@revoked/],
  ];
  for (const [verdict, code, detail] of problems) {
    it(`a ${verdict} key: ${code}, the presented fingerprint and how to pin it`, () => {
      const presented = fingerprintOf(key);
      const error = hostKeyProblem({ host: 'sftp.example.org', port: 2222, hostKeyFingerprints: [fingerprintOf(other)], knownHosts: '/etc/aktin/known_hosts' }, verdict, presented);
      assert.equal(error.code, code);
      assert.match(error.problems[0]!.detail!, detail);
      assert.ok(error.problems[0]!.detail!.includes(presented));
      assert.ok(error.problems[0]!.hint!.includes(`HOST_KEY_FINGERPRINTS = ["${presented}"]`));
      assert.match(error.problems[0]!.hint!, /ssh-keygen -lf/);
      assert.match(error.message, /sftp\.example\.org:2222/);
    });
  }
});

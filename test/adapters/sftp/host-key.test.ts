import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { hostKeyProblem } from '../../../src/adapters/sftp/host-key-problem.js';
import { anotherKeyMayBeTrusted, hostKeyFingerprintOf, hostKeyFingerprintOfDigest, hostKeyAlgorithms, hostKeyTrust, keyTypeOf, knownKeyTypes, verifyHostKey, type HostKeyVerdict } from '../../../src/adapters/sftp/host-key.js';
import { knownKeysFor } from '../../../src/adapters/sftp/known-hosts.js';

/** A key blob as SSH encodes it: the type as an SSH string, then (here random) key material. */
const blobOf = (type: string) => {
  const name = Buffer.from(type);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(name.length);
  return Buffer.concat([length, name, randomBytes(40)]);
};
const key = blobOf('ssh-ed25519');
const other = blobOf('ssh-ed25519');
const rsa = blobOf('ssh-rsa');
const ecdsa = blobOf('ecdsa-sha2-nistp256');
const b64 = (k: Buffer) => k.toString('base64');
const line = (host: string, k: Buffer) => `${host} ${keyTypeOf(k)} ${b64(k)}`;
const hashed = (name: string) => {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
};
const host = 'sftp.example.org';

describe('host keys', () => {
  it('prints fingerprints as ssh-keygen -lf does, and reads the key type from the blob', () => {
    assert.equal(hostKeyFingerprintOf(key), 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, ''));
    assert.equal(hostKeyFingerprintOfDigest(createHash('sha256').update(key).digest()), hostKeyFingerprintOf(key));
    assert.equal(keyTypeOf(rsa), 'ssh-rsa');
    assert.equal(keyTypeOf(Buffer.from([0, 0])), '', 'too short to hold a type');
    assert.equal(keyTypeOf(Buffer.from([0, 0, 0, 9, 1])), '', 'a length beyond the blob');
  });

  it('trusts a pinned fingerprint, with or without padding, among several', () => {
    const pin = hostKeyFingerprintOf(key);
    const trust = { host, port: 22, hostKeyFingerprints: [hostKeyFingerprintOf(other), pin] };
    assert.equal(verifyHostKey(hostKeyTrust(trust), key), 'trusted');
    assert.equal(verifyHostKey(hostKeyTrust({ ...trust, hostKeyFingerprints: [pin + '='] }), key), 'trusted');
    assert.equal(verifyHostKey(hostKeyTrust({ ...trust, hostKeyFingerprints: [hostKeyFingerprintOf(other)] }), key), 'unknown');
    assert.equal(verifyHostKey(hostKeyTrust({ ...trust, hostKeyFingerprints: [] }), key), 'unknown', 'nothing pinned: never trusted');
  });

  const cases: [string, string, string, number, Buffer, HostKeyVerdict][] = [
    ['a plain entry', line(host, key), host, 22, key, 'trusted'],
    ['a pattern list with a wildcard', `other,*.example.org ssh-ed25519 ${b64(key)} comment`, host, 22, key, 'trusted'],
    ['a non-standard port', line('[127.0.0.1]:2222', key), '127.0.0.1', 2222, key, 'trusted'],
    ['the port-22 entry does not cover another port', line('127.0.0.1', key), '127.0.0.1', 2222, key, 'unknown'],
    ['a hashed entry', line(hashed(host), key), host, 22, key, 'trusted'],
    ['a hashed entry with a port', line(hashed('[10.0.0.5]:2200'), key), '10.0.0.5', 2200, key, 'trusted'],
    ['another key of the same type for the host', line(host, other), host, 22, key, 'mismatch'],
    ['only a key of another type for the host', line(host, rsa), host, 22, key, 'unknown-type'],
    ['the RSA line among several types, RSA presented', `${line(host, other)}\n${line(host, rsa)}`, host, 22, rsa, 'trusted'],
    ['an ed25519 and an ECDSA line, a different ECDSA key presented', `${line(host, key)}\n${line(host, blobOf('ecdsa-sha2-nistp256'))}`, host, 22, ecdsa, 'mismatch'],
    ['a revoked key', `@revoked * ssh-ed25519 ${b64(key)}\n${line(host, key)}`, host, 22, key, 'revoked'],
    ['a revoked key of the type is no listing of it', `@revoked * ssh-ed25519 ${b64(other)}`, host, 22, key, 'unknown'],
    ['a negated pattern', `!sftp.example.org,*.example.org ssh-ed25519 ${b64(key)}`, host, 22, key, 'unknown'],
    ['a @cert-authority line is not a host key', `@cert-authority ${host} ssh-ed25519 ${b64(key)}`, host, 22, key, 'unknown'],
    ['comments and blank lines only', '# nothing\n\n', host, 22, key, 'unknown'],
  ];
  for (const [name, text, h, port, presented, want] of cases) {
    it(`known_hosts: ${name} → ${want}`, () => assert.equal(verifyHostKey(hostKeyTrust({ host: h, port, hostKeyFingerprints: [], knownHostsText: text }), presented), want));
  }

  it('combines pins and known_hosts: a revoked key stays refused even when pinned', () => {
    const base = { host, port: 22, hostKeyFingerprints: [hostKeyFingerprintOf(key)] };
    assert.equal(verifyHostKey(hostKeyTrust({ ...base, knownHostsText: line(host, other) }), key), 'trusted', 'a pin wins over a stale entry');
    assert.equal(verifyHostKey(hostKeyTrust({ ...base, knownHostsText: `@revoked ${line(host, key)}` }), key), 'revoked');
    assert.equal(verifyHostKey(hostKeyTrust({ ...base, hostKeyFingerprints: [], knownHostsText: line(host, other) }), key), 'mismatch');
  });

  it('lists the key types known_hosts holds for the host', () => {
    const text = `${line(host, rsa)}\n${line('other.example.org', key)}\n@revoked ${line(host, ecdsa)}`;
    assert.deepEqual(knownKeysFor(text, host, 22).map((k) => [k.type, k.revoked]), [['ssh-rsa', false], ['ecdsa-sha2-nistp256', true]]);
    assert.deepEqual(knownKeyTypes(hostKeyTrust({ host, port: 22, hostKeyFingerprints: [], knownHostsText: `${text}\n${line(host, blobOf('ssh-rsa'))}` })), ['ssh-rsa'], 'each type once, revoked ones left out');
  });

  it('offers the algorithms of the known_hosts key types first, then the others', () => {
    const all = hostKeyAlgorithms(hostKeyTrust({ host, port: 22, hostKeyFingerprints: [] }));
    assert.equal(all[0], 'ssh-ed25519', 'without known_hosts: ssh2 default order');
    const rsaFirst = hostKeyAlgorithms(hostKeyTrust({ host, port: 22, hostKeyFingerprints: [], knownHostsText: line(host, rsa) }));
    assert.deepEqual(rsaFirst.slice(0, 3), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    assert.deepEqual([...rsaFirst].sort(), [...all].sort(), 'the others still follow');
    const ecdsaFirst = hostKeyAlgorithms(hostKeyTrust({ host, port: 22, hostKeyFingerprints: [], knownHostsText: `${line(host, ecdsa)}\n${line('elsewhere', rsa)}` }));
    assert.equal(ecdsaFirst[0], 'ecdsa-sha2-nistp256');
    assert.equal(ecdsaFirst[1], 'ssh-ed25519', 'a line for another host changes nothing');
    assert.deepEqual(hostKeyAlgorithms(hostKeyTrust({ host, port: 22, hostKeyFingerprints: [] }), ['ssh-ed25519', 'ssh-rsa']), ['ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521']);
  });

  it('asks for another host key only for bare pins, never after an alarm, until the types run out', () => {
    const pins = { host, port: 22, hostKeyFingerprints: [hostKeyFingerprintOf(rsa)] };
    assert.equal(anotherKeyMayBeTrusted(hostKeyTrust(pins), 'unknown', ['ssh-ed25519']), true);
    assert.equal(anotherKeyMayBeTrusted(hostKeyTrust(pins), 'unknown', ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa']), false);
    assert.equal(anotherKeyMayBeTrusted(hostKeyTrust(pins), 'mismatch', ['ssh-ed25519']), false);
    assert.equal(anotherKeyMayBeTrusted(hostKeyTrust(pins), 'revoked', ['ssh-ed25519']), false);
    assert.equal(anotherKeyMayBeTrusted(hostKeyTrust({ ...pins, hostKeyFingerprints: [], knownHostsText: line(host, rsa) }), 'unknown-type', ['ssh-ed25519']), false, 'known_hosts types were offered first already');
  });

  const problems: [Exclude<HostKeyVerdict, 'trusted'>, string, RegExp][] = [
    ['unknown', 'HOST_KEY_UNKNOWN', /matches none of the configured host keys/],
    ['mismatch', 'HOST_KEY_MISMATCH', /a different ssh-ed25519 key for this host.*intercepting/],
    ['revoked', 'HOST_KEY_MISMATCH', /@revoked/],
    ['unknown-type', 'HOST_KEY_UNKNOWN', /lists only ssh-rsa keys for this host.*no sign of interception/],
  ];
  for (const [verdict, code, detail] of problems) {
    it(`a ${verdict} key: ${code}, the presented fingerprint and how to pin it`, () => {
      const presented = { type: 'ssh-ed25519', fingerprint: hostKeyFingerprintOf(key) };
      const error = hostKeyProblem({ host, port: 2222, hostKeyFingerprints: [hostKeyFingerprintOf(other)], knownHosts: '/etc/aktin/known_hosts' }, verdict, presented, ['ssh-rsa']);
      assert.equal(error.code, code);
      const { detail: d, hint } = error.problems[0]!;
      assert.match(d!, detail);
      assert.ok(d!.includes(`${presented.fingerprint} (ssh-ed25519)`));
      assert.ok(hint!.includes(`HOST_KEY_FINGERPRINTS = ["${presented.fingerprint}"]`));
      assert.match(hint!, /ssh-keygen -lf \/etc\/ssh\/ssh_host_ed25519_key\.pub/);
      assert.match(error.message, /sftp\.example\.org:2222/);
      if (verdict === 'unknown-type') assert.doesNotMatch(`${d} ${hint}`, /intercepting|does not match/);
    });
  }

  it('names every key shown when a server with several host keys was asked for each', () => {
    const shown = [key, ecdsa, rsa].map((k) => ({ type: keyTypeOf(k), fingerprint: hostKeyFingerprintOf(k) }));
    const error = hostKeyProblem({ host, port: 22, hostKeyFingerprints: [hostKeyFingerprintOf(other)] }, 'unknown', shown);
    for (const k of shown) assert.ok(error.problems[0]!.detail!.includes(`${k.fingerprint} (${k.type})`));
    assert.match(error.problems[0]!.detail!, /None matches the configured host keys/);
  });
});

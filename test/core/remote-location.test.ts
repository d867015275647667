import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RemoteConfig } from '../../src/core/config.js';
import { Secret } from '../../src/core/secret.js';
import { remoteLocation } from '../../src/core/remote-location.js';

const sftp = (patch: Partial<RemoteConfig>): RemoteConfig => ({
  kind: 'sftp',
  host: 'sftp.example.org',
  port: 22,
  username: 'sftpuser',
  password: new Secret('pw-not-shown'),
  timeoutSeconds: 25,
  folder: 'rki',
  hostKeyFingerprints: [],
  ...patch,
});

describe('remoteLocation', () => {
  for (const { name, patch, want } of [
    { name: 'host and folder, the default port left out', patch: {}, want: 'sftp://sftp.example.org/rki' },
    { name: 'another port', patch: { port: 2222 }, want: 'sftp://sftp.example.org:2222/rki' },
    { name: 'the login directory', patch: { folder: '.' }, want: 'sftp://sftp.example.org/.' },
    { name: 'an absolute folder keeps its slash', patch: { folder: '/srv/drop' }, want: 'sftp://sftp.example.org//srv/drop' },
    { name: 'an IPv6 address in brackets', patch: { host: '::1', port: 2222 }, want: 'sftp://[::1]:2222/rki' },
  ]) {
    it(name, () => assert.equal(remoteLocation(sftp(patch)), want));
  }

  it('names neither the user nor a secret', () => {
    const location = remoteLocation(sftp({ privateKeyPassphrase: new Secret('pp-not-shown') }));
    assert.ok(!location.includes('sftpuser') && !location.includes('not-shown'), location);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secretExposureWarning } from '../../src/core/secret-exposure.js';

const KEY = '/etc/aktin-sftp/rki.key';
const SERVICE = { name: 'aktin-sftp', uid: 998, gids: [997, 4], groupName: 'aktin-sftp' };
const ROOT = { name: 'root', uid: 0, gids: [0], groupName: 'root' };
const groupOf = (gid: number) => ({ 0: 'root', 4: 'adm', 997: 'aktin-sftp', 100: 'users' })[gid] ?? String(gid);
const warn = (mode: number, gid: number, user = SERVICE) => secretExposureWarning(`The key file ${KEY}`, KEY, { mode: 0o100000 | mode, gid }, user, groupOf);

describe('secret files: who besides the owner may read them', () => {
  it('accepts the owner alone, and the group of the running user (the recipes\' root:aktin-sftp 0640)', () => {
    assert.equal(warn(0o600, 997), undefined);
    assert.equal(warn(0o400, 0), undefined);
    assert.equal(warn(0o640, 997), undefined);
    assert.equal(warn(0o440, 4), undefined); // a supplementary group counts too
  });

  it('warns when any user may read, with the chown and chmod the recipes expect', () => {
    assert.equal(
      warn(0o644, 997),
      `The key file ${KEY} can be read or written by any user (mode 644); run 'chown root:aktin-sftp ${KEY} && chmod 640 ${KEY}' ` +
        `(readable by aktin-sftp's group, as docs/recipes/README.md lays it out), or 'chmod 600 ${KEY}' if aktin-sftp owns it.`,
    );
    assert.match(warn(0o602, 997)!, /by any user \(mode 602\)/);
  });

  it('warns when the group is one the running user is not in, or when the group may write', () => {
    assert.match(warn(0o640, 100)!, /^The key file \S+ can be read or written by group users, which aktin-sftp \(running aktin-sftp\) is not in \(mode 640\); run 'chown root:aktin-sftp /);
    assert.match(warn(0o660, 997)!, /by group aktin-sftp \(mode 660\)/);
  });

  it('tells root to chmod 600, or to give the file to the service\'s group', () => {
    assert.equal(
      warn(0o644, 0, ROOT),
      `The key file ${KEY} can be read or written by any user (mode 644); run 'chmod 600 ${KEY}' ` +
        `(or, for a service user, 'chown root:GROUP ${KEY} && chmod 640 ${KEY}' with the service's group, as docs/recipes/README.md lays it out).`,
    );
  });
});

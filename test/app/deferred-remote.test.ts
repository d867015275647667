import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deferredRemote } from '../../src/app/deferred-remote.js';
import type { RemoteFolder } from '../../src/app/ports.js';

/** A folder that records calls; only what the cases use does anything. */
function recordingFolder(calls: string[]): RemoteFolder {
  const no = () => Promise.reject(new Error('not used'));
  return {
    list: async () => (calls.push('list'), [{ name: 'export_1.zip', size: 3, mtime: 1 }]),
    stat: async (name) => (calls.push(`stat ${name}`), null),
    read: no,
    digest: no,
    write: no,
    rename: async (from, to) => (calls.push(`rename ${from} ${to}`), { atomic: true }),
    remove: async (name) => (calls.push(`remove ${name}`), true),
    close: async () => void calls.push('close'),
  };
}

describe('deferredRemote', () => {
  it('holds each call until the connection is open, then passes it on', async () => {
    const calls: string[] = [];
    let open!: (folder: RemoteFolder) => void;
    const remote = deferredRemote(new Promise((resolve) => (open = resolve)));
    const listing = remote.list();
    const renamed = remote.rename('a', 'b');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(calls, [], 'nothing reaches the server before the connection is up');
    open(recordingFolder(calls));
    assert.deepEqual(await listing, [{ name: 'export_1.zip', size: 3, mtime: 1 }]);
    assert.deepEqual(await renamed, { atomic: true });
    assert.equal(await remote.remove('c'), true);
    await remote.close();
    assert.deepEqual(calls, ['list', 'rename a b', 'remove c', 'close']);
  });

  it('fails every call with the connection problem, and closes quietly', async () => {
    const refused = new Error('host key refused');
    const remote = deferredRemote(Promise.reject(refused));
    await assert.rejects(remote.list(), (error) => error === refused);
    await assert.rejects(remote.stat('x'), (error) => error === refused);
    await remote.close();
  });

  it('leaves no unhandled rejection when the run ends before any call', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      deferredRemote(Promise.reject(new Error('refused')));
      // Node reports unhandled rejections once the microtasks of the turn have run.
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

/**
 * Preloaded (node --import) into a real process to SIGKILL it at one exact step of the ledger
 * store's file work, chosen by AKTIN_TEST_KILL_AT="<step>:<n>" (the n-th time, from 1):
 *   append-torn     the n-th journal append has written half its record
 *   append-synced   the n-th journal append is durable (its O_DSYNC write, or its fsync, has
 *                   returned), before write() returns
 *   fold-temp       the n-th fold has written its temporary file (before the folded mark)
 *   fold-backup     the n-th fold has copied status.xml.backup, before the rename
 *   fold-renamed    the n-th fold has renamed status.xml, before the journal is removed
 * Patches node:fs/promises and the FileHandle prototype only; nothing in src knows about it.
 */
import { constants } from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const [step, nth] = (process.env.AKTIN_TEST_KILL_AT ?? '').split(':');
const counts = new Map();
const due = (name) => {
  if (name !== step) return false;
  const n = (counts.get(name) ?? 0) + 1;
  counts.set(name, n);
  return n === Number(nth);
};
// The store opens its files with numeric flags (O_NOFOLLOW): O_RDWR is the 'r+' of an append.
const flagsOf = (flags) => (typeof flags === 'number' ? ((flags & 3) === constants.O_RDWR ? 'r+' : 'r') : (flags ?? 'r'));
const die = () => process.kill(process.pid, 'SIGKILL');
const paths = new WeakMap();
/** Handles opened with O_DSYNC: their writes are durable when they return, with no fsync after. */
const durable = new WeakSet();

const open = fsp.open;
fsp.open = async (path, ...rest) => {
  const handle = await open(path, ...rest);
  paths.set(handle, `${flagsOf(rest[0])} ${String(path)}`);
  if (typeof rest[0] === 'number' && constants.O_DSYNC && (rest[0] & constants.O_DSYNC) !== 0) durable.add(handle);
  return handle;
};
const proto = Object.getPrototypeOf(await open('/dev/null', 'r').then(async (h) => (await h.close(), h)));
const write = proto.write;
proto.write = async function (buffer, offset, length, position) {
  const path = paths.get(this) ?? '';
  if (path.startsWith('r+ ') && path.endsWith('.journal') && typeof position === 'number' && due('append-torn')) {
    await write.call(this, buffer, offset, Math.floor(length / 2), position);
    await this.sync();
    die();
  }
  const result = await write.call(this, buffer, offset, length, position);
  if (durable.has(this) && path.startsWith('r+ ') && path.endsWith('.journal') && due('append-synced')) die();
  return result;
};
const sync = proto.sync;
proto.sync = async function () {
  const result = await sync.call(this);
  const path = paths.get(this) ?? '';
  if (path.startsWith('r+ ') && path.endsWith('.journal') && due('append-synced')) die();
  if (/\.status\.xml\.[0-9a-f]+\.tmp$/.test(path) && due('fold-temp')) die();
  return result;
};
const rename = fsp.rename;
fsp.rename = async (from, to) => {
  const target = String(to);
  if (target.endsWith('status.xml.backup') && due('fold-backup')) {
    await rename(from, to);
    die();
  }
  await rename(from, to);
  if (target.endsWith('/status.xml') && due('fold-renamed')) die();
};
syncBuiltinESMExports();

/**
 * A live run holding the ledger lock, in a process of its own: takes the lock in the folder
 * given as argv[2] with the CLI's own lock code, heartbeat every argv[3] ms, prints the lock
 * info as one JSON line, and releases when its standard input closes. Started under
 * `unshare --uts` with another host name, it is a live holder on "another host".
 */
import { acquireLedgerLock } from '../../src/adapters/ledger/index.js';

const [dir, beat] = process.argv.slice(2);
const lock = await acquireLedgerLock(dir!, 'apply', { now: new Date(), toolVersion: 'holder', heartbeatMs: Number(beat) });
process.stdout.write(JSON.stringify(lock.info) + '\n');
process.stdin.resume();
process.stdin.on('end', () => void lock.release());

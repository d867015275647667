/** The ledger family: status.xml in WORKING_DIR, its journal and its lock. */
export { createLedgerStore, ledgerFiles } from './file.js';
export { acquireLedgerLock, forceUnlock, readLedgerLock } from './lock.js';
export { formatLedgerXml } from './xml.js';

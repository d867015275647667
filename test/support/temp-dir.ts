/**
 * Temporary folders that tests leave behind for nobody: some hold private keys. Each folder is
 * removed when its test ends (pass `t`, the test context) or, for folders a whole file shares,
 * when the test file's process exits. node:test runs every file in a process of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every folder name starts with this, so a leak is easy to spot in the temp folder. */
export const TEMP_PREFIX = 'aktin-sftp-test-';

const alive = new Set<string>();
let hooked = false;

function removeAll(): void {
  for (const dir of alive) rmSync(dir, { recursive: true, force: true });
  alive.clear();
}

/**
 * A fresh empty folder under the OS temp folder. With a test context it goes when that test
 * ends (pass or fail); without one, when the process exits.
 */
export function tempDir(name: string, t?: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), `${TEMP_PREFIX}${name}-`));
  alive.add(dir);
  if (!hooked) {
    hooked = true;
    process.once('exit', removeAll);
  }
  t?.after(() => {
    rmSync(dir, { recursive: true, force: true });
    alive.delete(dir);
  });
  return dir;
}

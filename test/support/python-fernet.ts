/**
 * Python's `cryptography.fernet`, the implementation AKTIN's recipients run, as a test oracle.
 * Uses Debian's /usr/bin/python3 (python3-cryptography is installed by .ci/run) and fails
 * loudly when no Python with the module is found.
 */
import { spawnSync } from 'node:child_process';

const SCRIPT = `import sys
from cryptography.fernet import Fernet
mode, key, src, dst = sys.argv[1:5]
f = Fernet(open(key, 'rb').read())
data = open(src, 'rb').read()
open(dst, 'wb').write(f.encrypt(data) if mode == 'encrypt' else f.decrypt(data))
`;

let python: string | undefined;

function findPython(): string {
  if (python) return python;
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(candidate, ['-c', 'import cryptography.fernet'], { encoding: 'utf8' }).status === 0) return (python = candidate);
  }
  throw new Error("no python3 with the 'cryptography' module: apt-get install python3-cryptography (.ci/run does)");
}

export function pythonFernet(mode: 'encrypt' | 'decrypt', keyFile: string, input: string, output: string): void {
  const result = spawnSync(findPython(), ['-c', SCRIPT, mode, keyFile, input, output], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`Python Fernet ${mode} failed: ${result.stderr}`);
}

/** The encryption family: one folder per scheme (Fernet today), and the key files they read. */
export { decryptFile } from './fernet/decrypt-file.js';
export { generateFernetKey } from './fernet/fernet.js';
export { createFernetEncryptStream } from './fernet/stream.js';
export { readKeyFile, writeNewKeyFile } from './fernet/key-file.js';

/**
 * The encryption family: one folder per scheme (Fernet today), and the key files they read. A
 * scheme enters the world as an Encryptor (src/app/ports.ts): its stream, its size law, its key id.
 */
export { decryptFile } from './fernet/decrypt-file.js';
export { fernetEncryptor } from './fernet/encryptor.js';
export { generateFernetKey } from './fernet/fernet.js';
export { readKeyFile, writeNewKeyFile } from './fernet/key-file.js';

/**
 * The encryption family: one folder per scheme (Fernet, age, Crypt4GH), and the key files they read. A
 * scheme enters the world as an Encryptor (src/app/ports.ts): its stream, its size law, its key id.
 */
export { decryptFile } from './fernet/decrypt-file.js';
export { fernetEncryptor } from './fernet/encryptor.js';
export { generateFernetKey } from './fernet/fernet.js';
export { readKeyFile, writeNewKeyFile } from './fernet/key-file.js';
export { ageEncryptor } from './age/encryptor.js';
export { crypt4ghEncryptor } from './crypt4gh/encryptor.js';
export { readAgeRecipients, readCrypt4ghRecipients } from './recipients-load.js';

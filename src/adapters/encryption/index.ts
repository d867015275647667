/**
 * The encryption family: one folder per scheme, and the key files they read. A scheme enters the
 * world as an Encryptor (src/app/ports.ts): its stream, its size law, its key id.
 */
export { fernetEncryptor } from './fernet/encryptor.js';
export { generateFernetKey } from './fernet/fernet.js';
export { readKeyFile, writeNewKeyFile } from './fernet/key-file.js';
export { ageEncryptor } from './age/encryptor.js';
export { crypt4ghEncryptor } from './crypt4gh/encryptor.js';
export { readAgeRecipients, readCrypt4ghRecipients } from './recipients-load.js';
// The receiving side (keygen and decrypt of every scheme).
export { checkKeyFitsFile, decryptSealedFile, detectFileScheme } from './decrypt-sealed-file.js';
export { readDecryptionKeyFile, readSenderKeyFile } from './decryption-key-file.js';
export { newAgeIdentity, refuseExistingCrypt4ghKeyFiles, writeNewAgeIdentity, writeNewCrypt4ghKeyPair } from './new-key-pairs.js';
export { readPassphraseFile } from './passphrase-file.js';

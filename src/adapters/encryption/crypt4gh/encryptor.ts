/**
 * Crypt4GH behind the Encryptor port: one header packet per recipient, an ephemeral writer key
 * per file, so the exporter holds nothing that opens what it wrote. A recipient's public form
 * is the base64 line of its public key file; the key id names the set (../recipient-set.ts).
 */
import type { Encryptor } from '../../../app/ports.js';
import { normalRecipients, recipientSetKeyId } from '../recipient-set.js';
import { createCrypt4ghSealStream } from './seal-stream.js';
import { sealedSize } from './segments.js';

export function crypt4ghEncryptor(recipients: readonly Buffer[]): Encryptor {
  const keys = normalRecipients(recipients);
  if (keys.length === 0) throw new Error('Crypt4GH needs at least one recipient');
  return {
    scheme: 'crypt4gh',
    label: 'Crypt4GH',
    keyId: recipientSetKeyId('crypt4gh', keys),
    recipients: keys.map((key) => key.toString('base64')),
    seal: () => createCrypt4ghSealStream(keys),
    sealedSize: (plainBytes) => sealedSize(plainBytes, keys.length),
  };
}

/**
 * age behind the Encryptor port: the exporter holds the recipients' public keys only, so it
 * cannot open what it sealed. The key id names the recipient set (../recipient-set.ts).
 */
import type { Encryptor } from '../../../app/ports.js';
import { normalRecipients, recipientSetKeyId } from '../recipient-set.js';
import { formatAgeRecipient } from './keys.js';
import { sealedSize } from './payload.js';
import { createAgeSealStream } from './seal-stream.js';

export function ageEncryptor(recipients: readonly Buffer[]): Encryptor {
  const keys = normalRecipients(recipients);
  if (keys.length === 0) throw new Error('age needs at least one recipient');
  return {
    scheme: 'age',
    label: 'age',
    keyId: recipientSetKeyId('age', keys),
    recipients: keys.map(formatAgeRecipient),
    seal: () => createAgeSealStream(keys),
    sealedSize: (plainBytes) => sealedSize(plainBytes, keys.length),
  };
}

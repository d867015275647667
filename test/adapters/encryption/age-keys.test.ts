import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAgeIdentityFile, formatAgeRecipient, generateAgeIdentity, parseAgeIdentity, parseAgeIdentityFile, parseAgeRecipient, parseAgeRecipientsFile } from '../../../src/adapters/encryption/age/index.js';
import { isProblemError } from '../../../src/core/problem.js';

const identities = [generateAgeIdentity(), generateAgeIdentity()];
const recipients = identities.map((i) => i.publicKey);

describe('age keys', () => {
  it('writes and reads recipients and identity files', () => {
    const text = formatAgeIdentityFile(identities[0]!, new Date('2026-01-02T03:04:05.678Z'));
    assert.match(text, /^# created: 2026-01-02T03:04:05Z\n# public key: age1[a-z0-9]{58}\nAGE-SECRET-KEY-1[A-Z0-9]{58}\n$/);
    assert.ok(parseAgeIdentityFile(text, 'k')[0]!.publicKey.equals(recipients[0]!));
    const list = `# agency\n${formatAgeRecipient(recipients[0]!)}\n\n${formatAgeRecipient(recipients[1]!)}\n`;
    assert.deepEqual(parseAgeRecipientsFile(list, 'r.txt'), [recipients[0], recipients[1]]);
  });

  it('refuses an identity where a recipient belongs, without repeating it', () => {
    const secret = formatAgeIdentityFile(identities[0]!, new Date()).split('\n')[2]!;
    for (const attempt of [() => parseAgeRecipient(secret, '[SECURITY] RECIPIENTS[0]'), () => parseAgeRecipientsFile(`${secret}\n`, 'recipients.txt')]) {
      assert.throws(attempt, (e: unknown) => isProblemError(e) && e.code === 'KEY_INVALID' && /is not usable: it is an age identity \(a secret key\), not a recipient/.test(e.message) && !e.message.includes(secret.slice(16)) && !JSON.stringify(e.problems).includes(secret.slice(16)));
    }
    assert.throws(() => parseAgeRecipientsFile(`${secret}\n`, 'recipients.txt'), /recipients\.txt line 1/);
  });

  it('refuses malformed recipients and identities by name', () => {
    const good = formatAgeRecipient(recipients[0]!);
    const typo = good.slice(0, 10) + (good[10] === 'q' ? 'p' : 'q') + good.slice(11);
    for (const text of ['', 'age1', typo, good.toUpperCase(), 'ssh-ed25519 AAAA']) {
      assert.throws(() => parseAgeRecipient(text, 'RECIPIENTS[0]'), (e: unknown) => isProblemError(e) && e.code === 'KEY_INVALID' && /RECIPIENTS\[0\] is not usable: it is not an age X25519 recipient/.test(e.message), text);
    }
    assert.throws(() => parseAgeRecipient(formatAgeRecipient(Buffer.alloc(32)), 'RECIPIENTS[1]'), /RECIPIENTS\[1\] is not usable: it is a degenerate X25519 key/);
    assert.throws(() => parseAgeIdentityFile('# nothing\n', 'key.txt'), /key\.txt is not usable: it holds no age identity/);
    assert.throws(() => parseAgeIdentity(good, 'key.txt'), /not an age X25519 identity/);
  });
});

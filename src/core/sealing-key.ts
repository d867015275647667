/**
 * Which scheme and key sealed a file, as the ledger records it per entry: the attribute
 * `key="age:0123456789abcdef"` (the scheme, then the Encryptor's non-secret key id). The
 * original tool ignores it. An entry without it (the original's, or one written before Fernet
 * entries got theirs) counts as sealed by the configured Fernet key.
 * The scheme also gives the file's name on the server (remote-names.ts). Pure.
 */
export type SchemeName = 'fernet' | 'age' | 'crypt4gh';

export const SCHEME_NAMES: readonly SchemeName[] = ['fernet', 'age', 'crypt4gh'];

/** `age:<16 hex>`: what the ledger's `key` attribute holds. */
export const LEDGER_KEY = /^(fernet|age|crypt4gh):[0-9a-f]{16}$/;

export function isSchemeName(value: string): value is SchemeName {
  return (SCHEME_NAMES as readonly string[]).includes(value);
}

/**
 * The ledger's `key` for a file sealed by `scheme` with `keyId`; none for a scheme the ledger does
 * not name (its files keep the Fernet name, as a plan names them).
 */
export function ledgerKeyOf(scheme: string, keyId: string): string | undefined {
  return isSchemeName(scheme) ? `${scheme}:${keyId}` : undefined;
}

/** The scheme that sealed an entry's file: the key's prefix, Fernet when it has none. */
export function schemeOfEntry(entry: { readonly key?: string }): SchemeName {
  const prefix = entry.key?.split(':')[0];
  return prefix !== undefined && isSchemeName(prefix) ? prefix : 'fernet';
}

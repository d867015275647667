/**
 * The value forms of schemas/ledger.xsd, in one place: the reader checks what it reads with
 * them and the writer refuses to write anything else, so every ledger we write passes the
 * schema by construction (and the next read).
 */
import { LEDGER_KEY } from '../../core/sealing-key.js';

export const RULES = {
  completion: /^[0-9]+(\.[0-9]+)?$/,
  time: /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$/,
  lineage: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  plan: /^[0-9A-Za-z][0-9A-Za-z._-]{0,127}$/,
  address: /^[^ \t\n\r/]+$/,
  hex64: /^[0-9a-f]{64}$/,
  serial: /^(0|[1-9][0-9]{0,14})$/,
  tokenSize: /^[0-9]{1,15}$/,
  /** `age:<16 hex>`: the scheme and key id that sealed an entry's file. */
  key: LEDGER_KEY,
} as const;

/** Small builders for plans and actions, for tests of the applier's pure rules. */
import type { ActionReason, Plan, PlannedAction, RemoteExpectation } from '../../src/core/plan.js';

export const PLAN_ID = '0a1b2c3d-1111-4222-8333-444455556666';
const HEX = (c: string) => c.repeat(64);

export function exportAction(
  kind: 'create' | 'update' | 'replace' | 'delete',
  id: string,
  options: { completion?: string; remote?: RemoteExpectation; reason?: ActionReason; fingerprint?: string } = {},
): PlannedAction {
  const common = { address: `export_${id}.zip`, request_id: id, precondition: { remote: options.remote ?? { state: 'absent' as const } } };
  if (kind === 'delete') {
    return { ...common, kind, reason: options.reason ?? 'request_gone', before: { completion: '1.0', fingerprint: null }, after: null };
  }
  return {
    ...common,
    kind,
    reason: options.reason ?? 'new_request',
    before: kind === 'create' ? null : { completion: '1.0', fingerprint: null },
    after: { completion: options.completion ?? '0.5', fingerprint: options.fingerprint ?? HEX('f') },
  };
}

export function planWith(actions: PlannedAction[], inputs: Partial<Plan['inputs']> = {}): Plan {
  return {
    format_version: '1.0',
    tool_version: '0.1.0',
    plan_id: PLAN_ID,
    created_at: '2026-11-24T10:00:00.000Z',
    config_sha256: HEX('c'),
    tag: 'rki',
    folder: 'rki',
    inputs: {
      ledger: { lineage: 'lin-1', serial: 3, sha256: HEX('a') },
      remote: { sha256: HEX('b'), files: 4 },
      broker: { sha256: HEX('d'), requests: 3 },
      ...inputs,
    },
    options: { max_delete: null, allow_mass_delete: false, prune_orphans: false },
    actions,
    summary: { add: 0, change: 0, destroy: 0, publish_ledger: false },
  };
}

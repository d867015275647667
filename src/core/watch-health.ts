/**
 * Whether a running watch is healthy, for `/healthz`: the broker websocket is up and a cycle
 * succeeded recently enough (a resync at least runs every RESYNC interval, so a last success
 * older than the staleness limit means cycles keep failing). Pure; times are epoch ms.
 */
export interface WatchHealthInput {
  readonly now: number;
  readonly connected: boolean;
  readonly lastSuccessAt: number | undefined;
  readonly lastCycle: { readonly trigger: string; readonly ok: boolean; readonly at: number; readonly code?: string } | undefined;
  readonly staleAfterMs: number;
}

export interface WatchHealth {
  readonly status: 'ok' | 'unhealthy';
  readonly connected: boolean;
  /** ISO-8601, null before the first success. */
  readonly lastSuccessfulCycle: string | null;
  readonly lastCycle: { readonly trigger: string; readonly ok: boolean; readonly at: string; readonly code?: string } | null;
  /** Why it is unhealthy; empty when ok. */
  readonly reasons: readonly string[];
}

export function assessHealth(input: WatchHealthInput): WatchHealth {
  const reasons: string[] = [];
  if (!input.connected) reasons.push('the broker websocket is down');
  if (input.lastSuccessAt === undefined) reasons.push('no cycle has succeeded yet');
  else if (input.now - input.lastSuccessAt > input.staleAfterMs) reasons.push(`the last successful cycle is older than ${Math.round(input.staleAfterMs / 1000)} s`);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    status: reasons.length === 0 ? 'ok' : 'unhealthy',
    connected: input.connected,
    lastSuccessfulCycle: input.lastSuccessAt === undefined ? null : iso(input.lastSuccessAt),
    lastCycle: input.lastCycle === undefined ? null : { ...input.lastCycle, at: iso(input.lastCycle.at) },
    reasons,
  };
}

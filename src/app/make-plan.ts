/**
 * The plan use case: read the three inputs concurrently and hand them to the pure planner.
 */
import type { BrokerSnapshot, RemoteListing } from '../core/model.js';
import type { Plan, PlanOptions } from '../core/plan.js';
import { planChanges } from '../core/planner.js';
import { ProblemError } from '../core/problem.js';
import { TOOL_VERSION } from '../core/version.js';
import type { BrokerReader, Clock, LedgerSnapshot, LedgerStore, RemoteFolder } from './ports.js';
import { readActualState, readDesiredState } from './read-state.js';

export interface PlanDeps {
  readonly broker: BrokerReader;
  readonly remote: RemoteFolder;
  readonly ledgerStore: LedgerStore;
  readonly clock: Clock;
  readonly newPlanId: () => string;
}

export interface PlanRequest {
  readonly tag: string;
  readonly folder: string;
  readonly configSha256: string;
  readonly options: PlanOptions;
}

export interface MadePlan {
  readonly plan: Plan;
  readonly ledger: LedgerSnapshot;
  readonly listing: RemoteListing;
  readonly snapshot: BrokerSnapshot;
}

export async function makePlan(deps: PlanDeps, request: PlanRequest): Promise<MadePlan> {
  const [snapshot, actual] = await Promise.all([readDesiredState(deps.broker, request.tag), readActualState(deps.ledgerStore, deps.remote)]);
  const outcome = planChanges({
    snapshot,
    ledger: actual.ledger,
    listing: actual.listing,
    options: request.options,
    context: {
      planId: deps.newPlanId(),
      createdAt: deps.clock.now(),
      toolVersion: TOOL_VERSION,
      configSha256: request.configSha256,
      tag: request.tag,
      folder: request.folder,
    },
  });
  if (!outcome.ok) throw new ProblemError(outcome.problems);
  return { plan: outcome.value, snapshot, ...actual };
}

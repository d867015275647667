/**
 * The plan use case: connect, observe once, hand the observation to the pure planner.
 * Read-only: it never writes to the broker, the SFTP server or the ledger.
 */
import { previewLedger } from '../core/ledger-transitions.js';
import { describeObstacle } from '../core/obstacles.js';
import type { Observation } from '../core/observation.js';
import type { Plan, PlanEncryption, PlanOptions } from '../core/plan.js';
import { planEncryptionOf, type PlanIdentity } from '../core/plan-freshness.js';
import { planChanges } from '../core/planner.js';
import { ProblemError } from '../core/problem.js';
import { TOOL_VERSION } from '../core/version.js';
import { observe } from './observe.js';
import type { Clock, Encryptor, World } from './ports.js';

export interface PlanRequest {
  readonly identity: PlanIdentity;
  readonly options: PlanOptions;
  /** Also return the ledger's text before and after the plan (`plan --diff`). */
  readonly previewLedger?: boolean;
  /**
   * The encryptor the plan seals for, as the caller loaded it; null: the Fernet key file is not
   * there (a CI plan job without secrets), so no change of key can be seen.
   */
  readonly encryptor: Encryptor | null;
}

export interface MadePlan {
  readonly plan: Plan;
  readonly observation: Observation;
  /** The ledger file's text now and as the plan will leave it (apply fills in sizes and digests). */
  readonly ledgerPreview?: { readonly before: string; readonly after: string };
}

export async function makePlan(world: World, request: PlanRequest): Promise<MadePlan> {
  const encryption = request.encryptor === null ? undefined : planEncryptionOf(request.encryptor);
  const connection = await world.connect();
  try {
    const observation = await observe({ ...connection, ledgerStore: world.ledgerStore }, request.identity.tag, request.options.only);
    const plan = planFromObservation(world, observation, request, encryption);
    warnOfObstacles(world, observation, request.identity.folder);
    if (!request.previewLedger) return { plan, observation };
    const { ledger } = observation.ledger;
    const format = (l: typeof ledger) => (l.entries.length === 0 && l.lineage === undefined ? '' : world.ledgerStore.format(l));
    return { plan, observation, ledgerPreview: { before: format(ledger), after: format(previewLedger(ledger, plan, encryption)) } };
  } finally {
    await connection.close();
  }
}

/** Each obstacle is a warning: the plan leaves its request alone, and says why. */
export function warnOfObstacles(world: Pick<World, 'events'>, observation: Observation, folder: string): void {
  for (const obstacle of observation.listing.obstacles ?? []) world.events({ type: 'warning', message: describeObstacle(obstacle, folder) });
}

/** The planner on an observation already made (apply plans under the lock it holds). */
export function planFromObservation(
  world: { readonly clock: Clock; newPlanId(): string },
  observation: Observation,
  request: Pick<PlanRequest, 'identity' | 'options'>,
  encryption?: PlanEncryption,
): Plan {
  const outcome = planChanges({
    observation,
    options: request.options,
    context: {
      planId: world.newPlanId(),
      createdAt: world.clock.now(),
      toolVersion: TOOL_VERSION,
      configSha256: request.identity.configSha256,
      tag: request.identity.tag,
      folder: request.identity.folder,
      remote: request.identity.remote,
      ...(encryption === undefined ? {} : { encryption }),
    },
  });
  if (!outcome.ok) throw new ProblemError(outcome.problems);
  return outcome.value;
}

/**
 * A saved plan travels between CI jobs as a file anyone could edit, so apply never does what a
 * plan says merely because it says it: every action must be one the planner itself makes from
 * the plan's own pinned inputs (which freshness has just confirmed against the world) and
 * options. For a fresh plan that is exact: planning the same inputs again gives the same
 * actions. When a plan resumes its own interrupted apply, the world has moved by its own hand:
 * an action still to do must be one the planner makes now, unless the ledger marks it as
 * started by this plan.
 */
import { actionReadiness } from './action-readiness.js';
import { viewOf } from './ledger-transitions.js';
import type { Observation } from './observation.js';
import type { Plan, PlannedAction } from './plan.js';
import { projectPlan } from './plan-shape.js';
import { planChanges } from './planner.js';
import { problem, type Problem } from './problem.js';

const HINT = "Apply only plans saved by 'aktin-sftp plan -o', unedited; make a new plan.";

/** `file` is the plan file as the user named it, for the message. */
export function checkPlanProvenance(plan: Plan, observation: Observation, mode: 'fresh' | 'resume', file = 'The saved plan'): Problem[] {
  const replanned = planChanges({
    observation,
    options: plan.options,
    context: {
      planId: plan.plan_id,
      createdAt: new Date(plan.created_at),
      toolVersion: plan.tool_version,
      configSha256: plan.config_sha256,
      tag: plan.tag,
      folder: plan.folder,
      ...(plan.remote === undefined ? {} : { remote: plan.remote }),
      ...(plan.encryption === undefined ? {} : { encryption: plan.encryption }),
    },
  });
  const made = replanned.ok ? replanned.value.actions : [];
  const foreign = mode === 'fresh' ? foreignWhenFresh(plan, made) : foreignWhenResuming(plan, made, observation);
  if (foreign.length === 0) return [];
  return [
    problem(
      'PLAN_INVALID',
      `${file} holds actions aktin-sftp did not plan`,
      `From the inputs the plan pins, aktin-sftp plans other actions than these: ${foreign.slice(0, 5).join('; ')}${foreign.length > 5 ? `; and ${foreign.length - 5} more` : ''}. Nothing was changed.`,
      HINT,
    ),
  ];
}

function foreignWhenFresh(plan: Plan, made: readonly PlannedAction[]): string[] {
  const want = new Map(made.map((a) => [a.address, encoded(a)] as const));
  const foreign = plan.actions.filter((a) => want.get(a.address) !== encoded(a)).map(describe);
  const given = new Set(plan.actions.map((a) => a.address));
  const missing = made.filter((a) => !given.has(a.address)).map((a) => `${describe(a)} is missing`);
  return [...foreign, ...missing];
}

function foreignWhenResuming(plan: Plan, made: readonly PlannedAction[], observation: Observation): string[] {
  const ledger = viewOf(observation.ledger.ledger);
  const files = new Map(observation.listing.files.map((f) => [f.name, f] as const));
  const want = new Map(made.map((a) => [a.address, a] as const));
  return plan.actions
    .filter((action) => {
      if (action.kind === 'publish_ledger') return false;
      if ((ledger.pending ?? []).includes(action.address)) return false;
      if (actionReadiness(action, ledger, files.get(action.address) ?? null, plan.plan_id) === 'done') return false;
      const now = want.get(action.address);
      return !now || now.kind !== action.kind || now.request_id !== action.request_id || JSON.stringify(now.after) !== JSON.stringify(action.after);
    })
    .map(describe);
}

/** One action in the plan file's own canonical form, so that key order never matters. */
function encoded(action: PlannedAction): string {
  return JSON.stringify(projectPlan({ actions: [action] }));
}

function describe(action: PlannedAction): string {
  return `${action.kind} of ${action.address}${action.request_id === null ? '' : ` (request ${action.request_id})`}`;
}

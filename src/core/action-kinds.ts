/**
 * The one table that classifies action kinds. Everything that treats kinds alike (the order of
 * apply, the deletion guard, the summary, readiness, rendering) asks this table instead of
 * listing kinds by hand, so a new kind is classified in exactly one place.
 *
 * - upload: writes `export_<id>.zip` from the broker (create, update, replace);
 * - removal: removes a request's file (delete, remove_orphan) — held back after a failed upload,
 *   capped by MAX_DELETE;
 * - cleanup: removes our own leftover temporary file (remove_temp);
 * - publish: uploads the ledger copy `status.xml`, always last.
 */
import type {
  ActionKind,
  DeleteAction,
  PlannedAction,
  PublishLedgerAction,
  RemoveOrphanAction,
  RemoveTempAction,
  UploadAction,
} from './plan.js';

export type ActionClass = 'upload' | 'removal' | 'cleanup' | 'publish';

export const ACTION_CLASS = {
  create: 'upload',
  update: 'upload',
  replace: 'upload',
  delete: 'removal',
  remove_temp: 'cleanup',
  remove_orphan: 'removal',
  publish_ledger: 'publish',
} as const satisfies Record<ActionKind, ActionClass>;

/** Every kind, in the order of the table: the order plans, metrics and renderings list them in. */
export const ACTION_KINDS = Object.keys(ACTION_CLASS) as readonly ActionKind[];

export function isUpload(action: PlannedAction): action is UploadAction {
  return ACTION_CLASS[action.kind] === 'upload';
}

export function isRemoval(action: PlannedAction): action is DeleteAction | RemoveOrphanAction {
  return ACTION_CLASS[action.kind] === 'removal';
}

export function isCleanup(action: PlannedAction): action is RemoveTempAction {
  return ACTION_CLASS[action.kind] === 'cleanup';
}

export function isPublish(action: PlannedAction): action is PublishLedgerAction {
  return ACTION_CLASS[action.kind] === 'publish';
}

/** Actions that remove a remote file: removals and cleanups. */
export function removesFile(action: PlannedAction): action is DeleteAction | RemoveOrphanAction | RemoveTempAction {
  return isRemoval(action) || isCleanup(action);
}

/** The real clock; tests pass a fixed one instead. */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../app/ports.js';

export const systemClock: Clock = { now: () => new Date() };

/** Plan ids are random UUIDs: unique per plan, and their first 8 hex digits tag temp files. */
export const newPlanId = (): string => randomUUID();

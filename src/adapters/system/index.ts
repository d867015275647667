/** The system family: the wall clock and plan ids, the world's only sources of time and randomness. */
export { newPlanId, systemClock } from './clock.js';

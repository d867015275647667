/** The CLI when the server refuses a write mid-upload (integration/interop-journey.ts). */
import { writeRefusedJourney } from './interop-journey.js';

writeRefusedJourney();

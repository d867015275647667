/** The CLI's plan → apply → drift → repair journey on one non-OpenSSH server (integration/interop-journey.ts). */
import { interopJourney } from './interop-journey.js';
import { INTEROP_SERVERS } from './support/sftp-servers.js';

interopJourney(INTEROP_SERVERS.find((s) => s.name === 'RCLONE')!);

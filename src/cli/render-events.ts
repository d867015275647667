/**
 * Events of commands that show no progress (plan, drift, validate): warnings go to stderr as
 * they happen, everything else is the command's own output.
 */
import type { EventSink } from '../app/ports.js';
import type { CliIo } from './io.js';
import { showWarnings } from './load-config.js';

export function warningsTo(io: CliIo): EventSink {
  return (event) => {
    if (event.type === 'warning') showWarnings(io, [event.message]);
  };
}

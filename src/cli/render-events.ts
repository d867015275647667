/**
 * Events of commands that show no progress (plan, drift, validate): warnings go to stderr as
 * they happen, everything else is the command's own output.
 */
import type { EventSink } from '../app/ports.js';
import type { GlobalArgs } from './command.js';
import type { CliIo } from './io.js';
import { showWarnings } from './load-config.js';

export function warningsTo(io: CliIo, args: Pick<GlobalArgs, 'color'>): EventSink {
  return (event) => {
    if (event.type === 'warning') showWarnings(io, args, [event.message]);
  };
}

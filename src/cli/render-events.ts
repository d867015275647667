/**
 * Events of commands that show no progress (plan, drift, ledger, watch's cycles): warnings go to
 * stderr as they happen, everything else is the command's own output. With --log-format json
 * every event is a log line, as a log collector wants the record.
 */
import type { EventSink } from '../app/ports.js';
import type { GlobalArgs } from './command.js';
import type { CliIo } from './io.js';
import { showWarnings } from './load-config.js';
import { eventLog } from './log-events.js';

export function warningsTo(io: CliIo, args: Pick<GlobalArgs, 'color'>): EventSink {
  if (io.logFormat === 'json') return eventLog(io);
  return (event) => {
    if (event.type === 'warning') showWarnings(io, args, [event.message]);
  };
}

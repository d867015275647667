/**
 * Obstacles: a directory, symlink or other non-file under a name the tool must write. The
 * planner leaves such a request alone (nothing could be uploaded there, and a rename over a
 * directory fails on every run); plan, apply and drift say what is in the way and what to do.
 */
import type { RemoteObstacle } from './model.js';
import { LEDGER_FILE_NAME, requestIdOfExportFile } from './remote-names.js';

export function describeObstacle(obstacle: RemoteObstacle, folder: string): string {
  const id = requestIdOfExportFile(obstacle.name);
  const what = obstacle.type === 'other' ? 'something that is not a regular file' : `a ${obstacle.type}`;
  const blocked = id !== null ? `request ${id} is not uploaded, updated or deleted` : obstacle.name === LEDGER_FILE_NAME ? 'the ledger copy is not published' : 'nothing is written there';
  return `${obstacle.name} in the SFTP folder '${folder}' is ${what}, not a file aktin-sftp wrote: ${blocked} until it is moved away. The other requests are applied as usual.`;
}

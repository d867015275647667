/** The files family: saved plans and run metrics in local files, written whole or not at all; who may read a secret file; reading a file with a size cap; where a path leads. */
export { identifyFile } from './identity.js';
export { readMetricsFile, writeMetricsFile } from './metrics-file.js';
export { readPlanFile, writePlanFile } from './plan-file.js';
export { runningUser, secretFileWarning } from './system-user.js';
export { FileTooLargeError, formatLimit, readFileCapped } from './capped-read.js';

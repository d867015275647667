/** The files family: any file replaced whole or not at all (replace-file.ts), saved plans and run metrics among them; who may read a secret file; reading a file with a size cap; where a path leads. */
export { identifyFile } from './identity.js';
export { readMetricsFile, writeMetricsFile } from './metrics-file.js';
export { readPlanFile, writePlanFile } from './plan-file.js';
export { isTemporaryOf, PUBLIC_MODE, replaceFile, replaceFileWith, syncFolder, writeNewFile } from './replace-file.js';
export { runningUser, secretFileWarning } from './system-user.js';
export { FileTooLargeError, formatLimit, readFileCapped } from './capped-read.js';

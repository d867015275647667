/** The configuration family: the TOML file and the environment variables that override it. */
export { loadConfig } from './file.js';

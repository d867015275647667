/** The SFTP family: the remote folder over ssh2, with host-key checking against known_hosts. */
export { openRemoteFolder } from './ssh2.js';

/**
 * Who besides its owner may read a secret file (key file, password or API-key file, a config
 * file holding secrets), and what to say about it. Group access is fine when the group is one
 * the running user is in — the layout the recipes use for a service user: owner root, group of
 * the service, mode 0640 (docs/recipes/README.md) — and worth a warning when the group is
 * another's, or when others (any user) may read or write, or the group may write. Pure.
 */

export interface FileAccess {
  /** st_mode */
  readonly mode: number;
  readonly gid: number;
}

export interface RunningUser {
  readonly name: string;
  readonly uid: number;
  /** Primary and supplementary groups. */
  readonly gids: readonly number[];
  /** The name of the user's primary group, for a `chown` that fits it. */
  readonly groupName: string;
}

/**
 * The warning for `subject` ("The key file /etc/aktin-sftp/rki.key"), or undefined when only
 * its owner and a group the user is in may read it. `groupOf` names a group id.
 */
export function secretExposureWarning(subject: string, path: string, file: FileAccess, user: RunningUser, groupOf: (gid: number) => string): string | undefined {
  const bits = (file.mode & 0o777).toString(8).padStart(3, '0');
  const ownGroup = user.gids.includes(file.gid);
  let who: string | undefined;
  if ((file.mode & 0o007) !== 0) who = 'any user';
  else if ((file.mode & 0o020) !== 0) who = `group ${groupOf(file.gid)}`;
  else if ((file.mode & 0o040) !== 0 && !ownGroup) who = `group ${groupOf(file.gid)}, which ${user.name} (running aktin-sftp) is not in`;
  if (who === undefined) return undefined;
  return `${subject} can be read or written by ${who} (mode ${bits}); ${fix(path, user)}.`;
}

/** What the recipes expect: 0600 for a user's own files, root:<service group> 0640 for a service user. */
function fix(path: string, user: RunningUser): string {
  if (user.uid === 0) return `run 'chmod 600 ${path}' (or, for a service user, 'chown root:GROUP ${path} && chmod 640 ${path}' with the service's group, as docs/recipes/README.md lays it out)`;
  return `run 'chown root:${user.groupName} ${path} && chmod 640 ${path}' (readable by ${user.name}'s group, as docs/recipes/README.md lays it out), or 'chmod 600 ${path}' if ${user.name} owns it`;
}

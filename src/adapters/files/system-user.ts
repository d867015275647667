/**
 * The running user and its groups, for the warning about secret files others may read
 * (core/secret-exposure.ts). Group names come from /etc/group (a number when it has none).
 */
import { readFileSync, type Stats } from 'node:fs';
import { userInfo } from 'node:os';
import { secretExposureWarning, type RunningUser } from '../../core/secret-exposure.js';

/** The warning for a secret file with these stats, or undefined. */
export function secretFileWarning(subject: string, path: string, stats: Pick<Stats, 'mode' | 'gid'>): string | undefined {
  return secretExposureWarning(subject, path, stats, runningUser(), groupName);
}

export function runningUser(): RunningUser {
  const gid = process.getegid?.() ?? -1;
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = `uid ${process.geteuid?.() ?? '?'}`;
  }
  return { name, uid: process.geteuid?.() ?? -1, gids: [gid, ...(process.getgroups?.() ?? [])], groupName: groupName(gid) };
}

let groups: Map<number, string> | undefined;

function groupName(gid: number): string {
  if (!groups) {
    groups = new Map();
    try {
      for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
        const [name, , id] = line.split(':');
        if (name && id && !groups.has(Number(id))) groups.set(Number(id), name);
      }
    } catch {
      // no /etc/group: numbers it is
    }
  }
  return groups.get(gid) ?? String(gid);
}

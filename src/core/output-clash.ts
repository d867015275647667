/**
 * Whether a file a command is about to write is one of the tool's own files: the configuration,
 * a key, the ledger with its journal, backup and lock, or the command's own input. Decided by
 * identity, never by spelling: `state/../state/status.xml`, a link to the key and a hard link to
 * the configuration are all that file. Pure: the identities come from the files adapter's identity.ts.
 */
import { problem, type Problem } from './problem.js';

/**
 * Where a path leads once links are resolved: an existing file (device and inode), or a name not
 * yet there in an existing folder (the folder's device and inode, and the name).
 */
export type FileIdentity = { readonly kind: 'file'; readonly dev: bigint; readonly ino: bigint } | { readonly kind: 'name'; readonly dev: bigint; readonly ino: bigint; readonly name: string };

export interface NamedFile {
  /** What it is, for the message: "the key file", "the ledger journal". */
  readonly role: string;
  readonly path: string;
  /** null: the path leads nowhere this run could write (its folder is missing). */
  readonly identity: FileIdentity | null;
}

export interface OutputFile {
  /** The option that names it: "--metrics-file", "-o". */
  readonly option: string;
  readonly path: string;
  readonly identity: FileIdentity | null;
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  if (a.dev !== b.dev || a.ino !== b.ino) return false;
  return a.kind === 'file' ? b.kind === 'file' : b.kind === 'name' && a.name === b.name;
}

/** A USAGE problem for each output that is one of `own`; none when all are elsewhere. */
export function outputClashes(outputs: readonly OutputFile[], own: readonly NamedFile[]): Problem[] {
  const problems: Problem[] = [];
  for (const output of outputs) {
    if (output.identity === null) continue;
    const hit = own.find((file) => file.identity !== null && sameFile(file.identity, output.identity!));
    if (!hit) continue;
    problems.push(
      problem(
        'USAGE',
        `${output.option} ${output.path} is ${hit.role} ${hit.path}`,
        `Writing there would replace ${hit.role}. Nothing was written.`,
        `Choose another file for ${output.option}.`,
      ),
    );
  }
  return problems;
}

/**
 * An in-process SFTP server on ssh2's server side, backed by a folder, for fast tests and the
 * README demo. Like OpenSSH's sftp-server it refuses a plain RENAME onto an existing file; unlike
 * it, it offers no extensions (no posix-rename, no fsync), so the client's fallback path runs.
 * Listens on 127.0.0.1 only. The login directory is `root` itself (folder 'rki' is root/rki).
 * Logins: the password, or a key from authorizedKeys (OpenSSH public key lines).
 * The host key is the fixed test key in test/fixtures/ssh/ unless one is given: keys generated
 * by ssh2 are now and then rejected by its own parser, which made runs flaky.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rmdir, unlink, type FileHandle } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, posix } from 'node:path';
import ssh2, { type AuthContext, type Connection, type ParsedKey, type SFTPWrapper } from 'ssh2';
import { hostKeyFingerprintOf } from '../src/adapters/sftp/host-key.js';
import { hostKey } from '../test/support/ssh-keys.js';

const { Server, utils } = ssh2;
const STATUS = utils.sftp.STATUS_CODE;
const OPEN = utils.sftp.OPEN_MODE;

export interface LocalSftpServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly hostKeyFingerprint: string;
  readonly root: string;
  /** Ends every client connection at once, as a network failure would. */
  dropConnections(): void;
  close(): Promise<void>;
}

export async function startLocalSftpServer(options: { root: string; username?: string; password?: string; authorizedKeys?: string[]; port?: number; hostKey?: string }): Promise<LocalSftpServer> {
  const username = options.username ?? 'aktin';
  const password = options.password ?? randomBytes(12).toString('hex');
  const hostPrivate = options.hostKey ?? hostKey().private;
  const parsed = utils.parseKey(hostPrivate);
  const publicKey = Array.isArray(parsed) ? parsed[0] : parsed;
  if (publicKey instanceof Error || !publicKey) throw publicKey ?? new Error('no host key');
  const clients = new Set<Connection>();
  const authorized = (options.authorizedKeys ?? []).map((line) => {
    const key = utils.parseKey(line);
    const one = Array.isArray(key) ? key[0] : key;
    if (!one || one instanceof Error) throw new Error(`not an OpenSSH public key: ${line.slice(0, 40)}`);
    return one;
  });

  const server = new Server({ hostKeys: [hostPrivate] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.username === username && (passwordMatches(ctx, password) || publicKeyMatches(ctx, authorized))) ctx.accept();
      else ctx.reject(authorized.length > 0 ? ['password', 'publickey'] : ['password']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        accept().on('sftp', (acceptSftp) => serveSftp(acceptSftp(), options.root));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    username,
    password,
    hostKeyFingerprint: hostKeyFingerprintOf(publicKey.getPublicSSH()),
    root: options.root,
    dropConnections: () => clients.forEach((c) => c.end()),
    close: async () => {
      clients.forEach((c) => c.end());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function passwordMatches(ctx: AuthContext, password: string): boolean {
  if (ctx.method !== 'password') return false;
  const [given, wanted] = [Buffer.from(ctx.password), Buffer.from(password)];
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** The SSH publickey flow: a query without signature is answered OK, then the signature is checked. */
function publicKeyMatches(ctx: AuthContext, authorized: ParsedKey[]): boolean {
  if (ctx.method !== 'publickey') return false;
  const key = authorized.find((k) => k.type === ctx.key.algo && k.getPublicSSH().equals(ctx.key.data));
  if (!key) return false;
  if (!ctx.signature) return true;
  return key.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true;
}

function serveSftp(sftp: SFTPWrapper, root: string): void {
  const handles = new Map<number, FileHandle | { dir: string; done: boolean }>();
  let next = 1;
  const local = (path: string): string => join(root, posix.normalize('/' + path));
  const handleOf = (buffer: Buffer) => handles.get(buffer.readUInt32BE(0));
  const newHandle = (value: FileHandle | { dir: string; done: boolean }) => {
    const id = next++;
    handles.set(id, value);
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(id);
    return buffer;
  };
  const fail = (reqid: number, error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    sftp.status(reqid, code === 'ENOENT' ? STATUS.NO_SUCH_FILE : code === 'EACCES' || code === 'EPERM' ? STATUS.PERMISSION_DENIED : STATUS.FAILURE, (error as Error).message);
  };
  const attrsOf = async (path: string) => {
    const s = await lstat(path);
    return { mode: s.mode, uid: s.uid, gid: s.gid, size: s.size, atime: Math.floor(s.atimeMs / 1000), mtime: Math.floor(s.mtimeMs / 1000) };
  };
  const run = (reqid: number, work: () => Promise<void>) => void work().catch((error) => fail(reqid, error));
  // A dropped connection leaves files open, as a real server's session ends: close them then.
  sftp.on('close', () => {
    for (const value of handles.values()) if ('close' in value) void value.close().catch(() => undefined);
    handles.clear();
  });

  sftp.on('OPEN', (reqid, path, flags, attrs) =>
    run(reqid, async () => {
      let mode = (flags & OPEN.WRITE ? (flags & OPEN.READ ? constants.O_RDWR : constants.O_WRONLY) : constants.O_RDONLY);
      if (flags & OPEN.CREAT) mode |= constants.O_CREAT;
      if (flags & OPEN.EXCL) mode |= constants.O_EXCL;
      if (flags & OPEN.TRUNC) mode |= constants.O_TRUNC;
      if (flags & OPEN.APPEND) mode |= constants.O_APPEND;
      sftp.handle(reqid, newHandle(await open(local(path), mode, attrs?.mode ?? 0o644)));
    }),
  );
  sftp.on('WRITE', (reqid, handle, offset, data) =>
    run(reqid, async () => {
      await (handleOf(handle) as FileHandle).write(data, 0, data.length, offset);
      sftp.status(reqid, STATUS.OK);
    }),
  );
  sftp.on('READ', (reqid, handle, offset, length) =>
    run(reqid, async () => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await (handleOf(handle) as FileHandle).read(buffer, 0, length, offset);
      if (bytesRead === 0) sftp.status(reqid, STATUS.EOF);
      else sftp.data(reqid, buffer.subarray(0, bytesRead));
    }),
  );
  sftp.on('FSTAT', (reqid, handle) =>
    run(reqid, async () => {
      const s = await (handleOf(handle) as FileHandle).stat();
      sftp.attrs(reqid, { mode: s.mode, uid: s.uid, gid: s.gid, size: s.size, atime: Math.floor(s.atimeMs / 1000), mtime: Math.floor(s.mtimeMs / 1000) });
    }),
  );
  for (const event of ['STAT', 'LSTAT'] as const) sftp.on(event, (reqid: number, path: string) => run(reqid, async () => sftp.attrs(reqid, await attrsOf(local(path)))));
  sftp.on('FSETSTAT', (reqid) => sftp.status(reqid, STATUS.OK));
  sftp.on('SETSTAT', (reqid) => sftp.status(reqid, STATUS.OK));
  sftp.on('CLOSE', (reqid, handle) =>
    run(reqid, async () => {
      const id = handle.readUInt32BE(0);
      const value = handles.get(id);
      handles.delete(id);
      if (value && 'close' in value) await value.close();
      sftp.status(reqid, STATUS.OK);
    }),
  );
  sftp.on('OPENDIR', (reqid, path) =>
    run(reqid, async () => {
      if (!(await lstat(local(path))).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      sftp.handle(reqid, newHandle({ dir: local(path), done: false }));
    }),
  );
  sftp.on('READDIR', (reqid, handle) =>
    run(reqid, async () => {
      const dir = handleOf(handle) as { dir: string; done: boolean };
      if (dir.done) return void sftp.status(reqid, STATUS.EOF);
      dir.done = true;
      const names = await readdir(dir.dir);
      const entries = await Promise.all(names.map(async (filename) => ({ filename, longname: filename, attrs: await attrsOf(join(dir.dir, filename)) })));
      sftp.name(reqid, entries);
    }),
  );
  sftp.on('REMOVE', (reqid, path) => run(reqid, async () => (await unlink(local(path)), sftp.status(reqid, STATUS.OK))));
  sftp.on('MKDIR', (reqid, path) => run(reqid, async () => (await mkdir(local(path)), sftp.status(reqid, STATUS.OK))));
  sftp.on('RMDIR', (reqid, path) => run(reqid, async () => (await rmdir(local(path)), sftp.status(reqid, STATUS.OK))));
  sftp.on('REALPATH', (reqid, path) => sftp.name(reqid, [{ filename: posix.normalize('/' + path), longname: '', attrs: {} as never }]));
  sftp.on('RENAME', (reqid, from, to) =>
    run(reqid, async () => {
      const exists = await lstat(local(to)).then(() => true, () => false);
      if (exists) return void sftp.status(reqid, STATUS.FAILURE, 'target exists');
      await rename(local(from), local(to));
      sftp.status(reqid, STATUS.OK);
    }),
  );
}

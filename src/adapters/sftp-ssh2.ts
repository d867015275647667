/**
 * The remote folder over SFTP (ssh2): one connection and one SFTP session per run, several
 * requests in flight on it. Files are written exclusively under the name given (the applier
 * passes temporary names), fsynced where the server offers it, and replaced with OpenSSH's
 * atomic posix-rename; servers without it get remove + rename, and the caller is warned.
 * Never follows a name outside the configured folder.
 */
import type { Readable } from 'node:stream';
import type { SFTPWrapper, Stats } from 'ssh2';
import type { RemoteFolder } from '../app/ports.js';
import type { SftpConfig } from '../core/config.js';
import type { RemoteFile } from '../core/model.js';
import { ProblemError, problem } from '../core/problem.js';
import { connectSftp, type SshClient } from './sftp-connect.js';

const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;
const WRITE_PIECE = 64 * 1024;
const WRITES_IN_FLIGHT = 8;

export async function openRemoteFolder(config: SftpConfig, options: { onWarning?: (message: string) => void; concurrency?: number } = {}): Promise<RemoteFolder> {
  const { conn, sftp } = await connectSftp(config);
  return new Ssh2Folder(config, conn, sftp, options.onWarning ?? (() => undefined));
}

class Ssh2Folder implements RemoteFolder {
  #closed: Error | undefined;
  #warnedRename = false;
  readonly #lost: Promise<never>;

  constructor(
    private readonly config: SftpConfig,
    private readonly conn: SshClient,
    private readonly sftp: SFTPWrapper,
    private readonly warn: (message: string) => void,
  ) {
    this.#lost = new Promise<never>((_, reject) => {
      conn.once('close', () => {
        this.#closed ??= new Error('connection closed');
        reject(this.#closed);
      });
    });
    this.#lost.catch(() => undefined);
  }

  async list(): Promise<RemoteFile[]> {
    const entries = await this.#call<{ filename: string; attrs: Stats }[]>('list', this.#folder(), (cb) => this.sftp.readdir(this.#folder(), cb));
    return entries.filter((e) => e.attrs.isFile()).map((e) => ({ name: e.filename, size: e.attrs.size, mtime: e.attrs.mtime }));
  }

  async stat(name: string): Promise<RemoteFile | null> {
    const path = this.#path(name);
    try {
      const attrs = await this.#call<Stats>('stat', path, (cb) => this.sftp.stat(path, cb));
      return { name, size: attrs.size, mtime: attrs.mtime };
    } catch (error) {
      if (isNoSuchFile(error)) return null;
      throw error;
    }
  }

  async read(name: string, maxBytes: number): Promise<Buffer | null> {
    const file = await this.stat(name);
    if (!file) return null;
    const path = this.#path(name);
    if (file.size > maxBytes) throw this.#problem('SFTP_IO', `${path} is larger than ${maxBytes} bytes`, path);
    return this.#call<Buffer>('read', path, (cb) => this.sftp.readFile(path, cb));
  }

  async write(name: string, source: Readable): Promise<number> {
    const path = this.#path(name);
    const handle = await this.#call<Buffer>('create', path, (cb) => this.sftp.open(path, 'wx', { mode: 0o600 }, cb));
    let written = 0;
    const inFlight: Promise<void>[] = [];
    try {
      for await (const chunk of source) {
        const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        for (let at = 0; at < bytes.length; at += WRITE_PIECE) {
          const piece = bytes.subarray(at, at + WRITE_PIECE);
          const position = written;
          written += piece.length;
          const request = this.#call<void>('write', path, (cb) => this.sftp.write(handle, piece, 0, piece.length, position, cb));
          request.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
          inFlight.push(request);
          if (inFlight.length >= WRITES_IN_FLIGHT) await inFlight.shift();
        }
      }
      await Promise.all(inFlight);
      if (this.#has('fsync@openssh.com')) await this.#call<void>('fsync', path, (cb) => this.sftp.ext_openssh_fsync(handle, cb));
      await this.#call<void>('close', path, (cb) => this.sftp.close(handle, cb));
      return written;
    } catch (error) {
      // Let every write in flight settle before the handle goes, so none is left dangling.
      await Promise.allSettled(inFlight);
      if (!this.#closed) {
        await this.#call<void>('close', path, (cb) => this.sftp.close(handle, cb)).catch(() => undefined);
        await this.remove(name).catch(() => undefined);
      }
      throw error;
    }
  }

  async rename(from: string, to: string): Promise<{ atomic: boolean }> {
    const [source, target] = [this.#path(from), this.#path(to)];
    if (this.#has('posix-rename@openssh.com')) {
      await this.#call<void>('rename', target, (cb) => this.sftp.ext_openssh_rename(source, target, cb));
      return { atomic: true };
    }
    if (!this.#warnedRename) {
      this.#warnedRename = true;
      this.warn(`The SFTP server ${this.config.host} does not offer posix-rename: a file is replaced by remove + rename, so for a moment it is missing.`);
    }
    await this.remove(to);
    await this.#call<void>('rename', target, (cb) => this.sftp.rename(source, target, cb));
    return { atomic: false };
  }

  async remove(name: string): Promise<boolean> {
    const path = this.#path(name);
    try {
      await this.#call<void>('remove', path, (cb) => this.sftp.unlink(path, cb));
      return true;
    } catch (error) {
      if (isNoSuchFile(error)) return false;
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = new Error('closed by aktin-sftp');
    await new Promise<void>((resolve) => {
      this.conn.once('close', () => resolve());
      this.conn.end();
      setTimeout(resolve, 2000).unref();
    });
  }

  #folder(): string {
    return this.config.folder === '' ? '.' : this.config.folder;
  }

  #path(name: string): string {
    if (name === '' || name.includes('/') || name.includes('\0') || name === '.' || name === '..') {
      throw new Error(`not a file name inside the remote folder: ${JSON.stringify(name)}`);
    }
    return `${this.#folder()}/${name}`;
  }

  #has(extension: string): boolean {
    return Boolean((this.sftp as unknown as { _extensions?: Record<string, string> })._extensions?.[extension]);
  }

  /** Runs one SFTP request; a lost connection rejects it instead of leaving it pending. */
  #call<T>(operation: string, path: string, start: (cb: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
    if (this.#closed) return Promise.reject(this.#lostProblem(operation, path, this.#closed));
    const request = new Promise<T>((resolve, reject) => {
      try {
        start((error, value) => (error ? reject(error) : resolve(value)));
      } catch (error) {
        reject(error);
      }
    });
    return Promise.race([request, this.#lost]).catch((error: unknown) => {
      throw this.#closed ? this.#lostProblem(operation, path, error) : this.#mapped(operation, path, error);
    });
  }

  #mapped(operation: string, path: string, error: unknown): ProblemError {
    if (error instanceof ProblemError) return error;
    const code = (error as { code?: number }).code;
    const where = `${this.config.host}:${path}`;
    if (code === NO_SUCH_FILE) {
      const folder = operation === 'list' || operation === 'create';
      return this.#problem(
        'SFTP_NO_SUCH_PATH',
        folder ? `The remote folder ${this.#folder()} does not exist on ${this.config.host}` : `${where} does not exist`,
        path,
        folder ? 'aktin-sftp never creates it: create it on the server, or fix [SFTP] FOLDERNAME.' : undefined,
        error,
      );
    }
    if (code === PERMISSION_DENIED) {
      return this.#problem('SFTP_PERMISSION', `Permission denied: cannot ${operation} ${where}`, path, `Check that ${this.config.username} may write to ${this.#folder()}.`, error);
    }
    return this.#problem('SFTP_IO', `SFTP ${operation} of ${where} failed: ${(error as Error).message}`, path, undefined, error);
  }

  #lostProblem(operation: string, path: string, error: unknown): ProblemError {
    return this.#problem('SFTP_CONNECTION', `The connection to ${this.config.host} was lost during ${operation} of ${path}`, path, 'Apply again: finished actions are recorded, the rest is redone.', error);
  }

  #problem(code: 'SFTP_IO' | 'SFTP_NO_SUCH_PATH' | 'SFTP_PERMISSION' | 'SFTP_CONNECTION', title: string, path: string, hint?: string, cause?: unknown): ProblemError {
    return new ProblemError(problem(code, title, `Server ${this.config.host}:${this.config.port}, path ${path}.`, hint), cause === undefined ? undefined : { cause });
  }
}

function isNoSuchFile(error: unknown): boolean {
  return error instanceof ProblemError ? error.code === 'SFTP_NO_SUCH_PATH' : (error as { code?: number }).code === NO_SUCH_FILE;
}

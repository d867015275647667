/**
 * The remote folder over SFTP (ssh2): one connection and one SFTP session per RemoteFolder, several
 * requests in flight on it. Files are written exclusively under the name given (the applier
 * passes temporary names), fsynced where the server offers it, and replaced with OpenSSH's
 * atomic posix-rename; servers without it get remove + rename, and the caller is warned once.
 * Never touches a name outside the configured folder and never creates the folder.
 */
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import type { SFTPWrapper, Stats } from 'ssh2';
import type { RemoteFolder, WriteOptions } from '../../app/ports.js';
import { DEFAULT_FILE_MODE, type SftpConfig } from '../../core/config.js';
import type { ContentRead } from '../../core/drift.js';
import type { RemoteFile } from '../../core/model.js';
import { connectSftp, type SshClient } from './connect.js';
import { isNoSuchFile, lostConnectionProblem, remoteProblem, sftpProblem } from './errors.js';
import { pipelineReads, type ReadPipeline } from './read.js';
import { pipelineWrites, type WritePipeline } from './write.js';

/** ssh2's limit when the server names none (limits@openssh.com) and its banner is not OpenSSH's. */
const FALLBACK_WRITE_LIMIT = 34_000 - 2048;
/** ssh2's read limit likewise; a larger READ would be split and sent one part after the other. */
const FALLBACK_READ_LIMIT = 34_000;
/** Reads of one file outstanding at once: enough for LAN round trips, at most 8 × 256 KiB held. */
const READS_IN_FLIGHT = 8;
/** Above this a larger piece buys nothing and only costs memory (integration/bench-sftp.ts). */
const MAX_PIECE = 256 * 1024;
/** Bytes outstanding per upload: enough to cover loopback and LAN round trips (integration/bench-sftp.ts). */
const BYTES_IN_FLIGHT = 4 * 1024 * 1024;
/** OpenSSH's sftp client keeps 64 requests outstanding; every server copes with that many. */
const MAX_REQUESTS_IN_FLIGHT = 64;

export interface RemoteFolderOptions {
  onWarning?: (message: string) => void;
  /** For the benchmark: overrides the write pipeline's piece size (still capped at the server's limit) and depth. */
  writePipeline?: Partial<WritePipeline>;
}

export async function openRemoteFolder(config: SftpConfig, options: RemoteFolderOptions = {}): Promise<RemoteFolder> {
  const { conn, sftp, socket } = await connectSftp(config);
  return new Ssh2Folder(config, conn, sftp, socket, options.onWarning ?? (() => undefined), writePipelineFor(sftp, options.writePipeline), readPipelineFor(sftp));
}

function readPipelineFor(sftp: SFTPWrapper): ReadPipeline {
  const limit = (sftp as unknown as { _maxReadLen?: unknown })._maxReadLen;
  const serverLimit = typeof limit === 'number' && Number.isSafeInteger(limit) && limit > 0 ? limit : FALLBACK_READ_LIMIT;
  return { pieceSize: Math.min(serverLimit, MAX_PIECE), inFlight: READS_IN_FLIGHT };
}

/**
 * One WRITE never exceeds what ssh2 will send in one request: the server's limits@openssh.com
 * answer, else 256 KiB − 2 KiB for OpenSSH and dropbear banners, else 31,952 bytes. Above it
 * ssh2 splits the write and sends the rest only after the first part is acknowledged.
 */
function writePipelineFor(sftp: SFTPWrapper, override: Partial<WritePipeline> = {}): WritePipeline {
  const limit = (sftp as unknown as { _maxWriteLen?: unknown })._maxWriteLen;
  const serverLimit = typeof limit === 'number' && Number.isSafeInteger(limit) && limit > 0 ? limit : FALLBACK_WRITE_LIMIT;
  const pieceSize = Math.min(serverLimit, override.pieceSize ?? MAX_PIECE);
  return { pieceSize, inFlight: override.inFlight ?? Math.min(MAX_REQUESTS_IN_FLIGHT, Math.max(4, Math.ceil(BYTES_IN_FLIGHT / pieceSize))) };
}

class Ssh2Folder implements RemoteFolder {
  #closed: Error | undefined;
  #warnedRename = false;
  #corked = false;
  /** Rejecters of the requests in flight, called when the connection is lost. */
  readonly #inFlight = new Set<(error: Error) => void>();
  readonly #folder: string;

  constructor(
    private readonly config: SftpConfig,
    private readonly conn: SshClient,
    private readonly sftp: SFTPWrapper,
    private readonly socket: Socket,
    private readonly warn: (message: string) => void,
    private readonly writes: WritePipeline,
    private readonly reads: ReadPipeline,
  ) {
    this.#folder = config.folder === '' ? '.' : config.folder.replace(/\/+$/, '') || '/';
    conn.once('close', () => {
      this.#closed ??= new Error('connection closed');
      for (const reject of this.#inFlight) reject(this.#closed);
      this.#inFlight.clear();
    });
  }

  async list(): Promise<RemoteFile[]> {
    const entries = await this.#call<{ filename: string; attrs: Stats }[]>('list', this.#folder, (cb) => this.sftp.readdir(this.#folder, cb));
    return entries
      .filter((e) => e.filename !== '.' && e.filename !== '..')
      .map((e) => {
        const type = e.attrs.isFile() ? undefined : e.attrs.isDirectory() ? 'directory' : e.attrs.isSymbolicLink() ? 'symlink' : 'other';
        return { name: e.filename, size: e.attrs.size, mtime: e.attrs.mtime, ...(type ? { type } : {}) };
      });
  }

  async stat(name: string): Promise<RemoteFile | null> {
    const path = this.#path(name);
    const attrs = await this.#call<Stats | null>('stat', path, (cb) => this.sftp.stat(path, absentAsNull(cb)));
    return attrs === null ? null : { name, size: attrs.size, mtime: attrs.mtime };
  }

  async read(name: string, maxBytes: number): Promise<Buffer | null> {
    const file = await this.stat(name);
    if (!file) return null;
    const path = this.#path(name);
    const tooLarge = () => remoteProblem(this.config, 'REMOTE_IO', `${this.config.host}:${path} is larger than ${maxBytes} bytes`, path, 'It is not a file aktin-sftp wrote; move it away.');
    if (file.size > maxBytes) throw tooLarge();
    const bytes = await this.#call<Buffer>('read', path, (cb) => this.sftp.readFile(path, cb));
    if (bytes.length > maxBytes) throw tooLarge();
    return bytes;
  }

  async digest(name: string, signal?: AbortSignal): Promise<ContentRead> {
    const path = this.#path(name);
    let handle: Buffer;
    try {
      handle = await this.#call<Buffer>('open', path, (cb) => this.sftp.open(path, 'r', cb));
    } catch (error) {
      if (isNoSuchFile(error)) return null;
      throw error;
    }
    // A piece's buffer is read into again once it is hashed: a 40 MB remote status.xml used to
    // leave 160 buffers of 256 KiB for the collector, memory the C allocator then kept.
    const { pieceSize } = this.reads;
    const spare: Buffer[] = [];
    const readAt = (position: number, length: number) =>
      this.#call<Buffer>('read', path, (cb) => {
        const buffer = spare.pop() ?? Buffer.allocUnsafeSlow(pieceSize);
        this.sftp.read(handle, buffer, 0, length, position, (error, bytesRead) => cb(error, buffer.subarray(0, bytesRead)));
      });
    const hash = createHash('sha256');
    let bytes = 0;
    try {
      for await (const piece of pipelineReads(readAt, this.reads)) {
        if (signal?.aborted) break;
        hash.update(piece);
        bytes += piece.length;
        spare.push(Buffer.from(piece.buffer, piece.byteOffset, pieceSize));
      }
    } finally {
      // Also when stopped early or failed: the handle is never left open.
      if (!this.#closed) await this.#call<void>('close', path, (cb) => this.sftp.close(handle, cb)).catch(() => undefined);
    }
    return { sha256: hash.digest('hex'), bytes };
  }

  async write(name: string, source: Readable, options: WriteOptions = {}): Promise<number> {
    const path = this.#path(name);
    // Exclusive create is the real guard; some servers ignore it (rclone serve sftp truncates
    // instead), so a name the caller has not just seen absent is looked at first.
    if (!options.absent && (await this.stat(name))) {
      throw remoteProblem(this.config, 'REMOTE_IO', `${this.config.host}:${path} already exists`, path, 'aktin-sftp writes only new temporary names; remove the leftover file and apply again.');
    }
    // [SFTP] FILE_MODE; the server's umask may still clear bits (OpenSSH applies its own).
    const mode = this.config.fileMode ?? DEFAULT_FILE_MODE;
    const handle = await this.#call<Buffer>('create', path, (cb) => this.sftp.open(path, 'wx', { mode }, cb));
    try {
      const written = await pipelineWrites(source, (piece, position) => this.#call<void>('write', path, (cb) => this.sftp.write(handle, piece, 0, piece.length, position, cb)), this.writes);
      // fsync, close and a stat of the file leave together, one round trip for all three: servers
      // handle these requests in order (OpenSSH and ProFTPD one at a time; rclone's pkg/sftp runs
      // all but READ and WRITE on one sequential worker, and a close only after every write).
      const synced = this.#has('fsync@openssh.com') ? this.#call<void>('fsync', path, (cb) => this.sftp.ext_openssh_fsync(handle, cb)) : undefined;
      const closed = this.#call<void>('close', path, (cb) => this.sftp.close(handle, cb));
      const [sync, close, stat] = await Promise.allSettled([synced, closed, this.stat(name)]);
      if (sync.status === 'rejected') throw sync.reason;
      if (close.status === 'rejected') throw close.reason;
      if (stat.status === 'rejected') throw stat.reason;
      // A server that kept less than it acknowledged (a quota, a full disk it did not report) fails here.
      const size = stat.value?.size;
      if (size !== written) {
        throw remoteProblem(this.config, 'REMOTE_IO', `Upload to ${this.config.host}:${path} is incomplete: ${written} bytes were sent, the server reports ${size === undefined ? 'no file' : `${size} bytes`}`, path, 'Check free space and quotas on the SFTP server, then apply again.');
      }
      return written;
    } catch (error) {
      // The file is ours (exclusive create): never leave a partial one behind while we still can.
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
      // #call wraps the request in a Promise, so ssh2's synchronous throw becomes a rejection.
      await this.#call<void>('rename', target, (cb) => this.sftp.ext_openssh_rename(source, target, cb));
      return { atomic: true };
    }
    if (!this.#warnedRename) {
      this.#warnedRename = true;
      this.warn(`the server does not offer posix-rename (${this.config.host}:${this.config.port}); replacing a file is not atomic: it is removed, then the new one is renamed into place`);
    }
    await this.remove(to);
    await this.#call<void>('rename', target, (cb) => this.sftp.rename(source, target, cb));
    return { atomic: false };
  }

  async remove(name: string): Promise<boolean> {
    const path = this.#path(name);
    const removed = await this.#call<true | null>('remove', path, (cb) => this.sftp.unlink(path, (error) => absentAsNull(cb)(error, true)));
    return removed !== null;
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

  #path(name: string): string {
    if (name === '' || name.includes('/') || name.includes('\0') || name === '.' || name === '..') {
      throw new Error(`not a file name inside the remote folder: ${JSON.stringify(name)}`);
    }
    return this.#folder === '/' ? `/${name}` : `${this.#folder}/${name}`;
  }

  #has(extension: string): boolean {
    return Boolean((this.sftp as unknown as { _extensions?: Record<string, string> })._extensions?.[extension]);
  }

  /**
   * Every packet ssh2 sends is its own socket write, and on loopback each write also pays for the
   * receiver's side of TCP: ~0.1 ms of CPU, ~0.65 s of a 1,000-file first sync. Requests issued in
   * one turn of the event loop (the uploads in flight answering the same read) leave in one
   * writev instead: the socket is corked until the loop's check phase.
   */
  #batchWrites(): void {
    if (this.#corked) return;
    this.#corked = true;
    this.socket.cork();
    setImmediate(() => {
      this.#corked = false;
      this.socket.uncork();
    });
  }

  /** Runs one SFTP request; a lost connection rejects it instead of leaving it pending. */
  #call<T>(operation: string, path: string, start: (cb: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
    if (this.#closed) return Promise.reject(lostConnectionProblem(this.config, operation, path, this.#closed));
    // Not Promise.race with one promise of the connection's loss: every race would stay attached
    // to it until the connection ends, and a first sync of thousands of files held them all.
    const request = new Promise<T>((resolve, reject) => {
      this.#inFlight.add(reject);
      const settle = (error: Error | null | undefined, value?: T) => {
        this.#inFlight.delete(reject);
        if (error) reject(error);
        else resolve(value as T);
      };
      this.#batchWrites();
      try {
        start(settle);
      } catch (error) {
        settle(error instanceof Error ? error : new Error(String(error)));
      }
    });
    return request.catch((error: unknown) => {
      throw this.#closed ? lostConnectionProblem(this.config, operation, path, error) : sftpProblem(this.config, this.#folder, operation, path, error);
    });
  }
}

/**
 * An SFTP callback for which "no such file" is an answer, not a failure: a first sync asks about
 * thousands of absent names, and turning each into a problem (with its stack) costs CPU.
 */
function absentAsNull<T>(cb: (error: Error | null | undefined, value: T | null) => void): (error: Error | null | undefined, value?: T) => void {
  return (error, value) => (error && isNoSuchFile(error) ? cb(null, null) : cb(error, value ?? null));
}

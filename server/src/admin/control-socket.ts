import { createHash } from 'node:crypto';
import { chmod, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from '../config.ts';
import { isUuid } from '../http/validation.ts';
import { ADMIN_ACTOR } from '../privacy/audit-entry.ts';
import type { PrivacyService } from '../privacy/privacy-service.ts';
import type { Storage } from '../storage/storage.ts';

/**
 * The longest Unix socket path every platform takes (Linux allows 107 bytes, macOS 103): a
 * longer one is placed in the temporary folder instead, named by a hash of the database path.
 */
const MAX_SOCKET_PATH_BYTES = 100;
/** A request is one short JSON line; anything longer is not one of ours. */
const MAX_REQUEST_BYTES = 1_024;
/** How long a connecting client may take to send its request line. */
const REQUEST_TIMEOUT_MS = 5_000;

/** What `npm run admin` asks the running server to do (one JSON line). */
export interface ControlRequest {
  op: 'erase-visitor';
  agent_id: string;
  visitor_id: string;
}

/** The server's one JSON line back. */
export type ControlAnswer = { ok: true; threads: number } | { ok: false; error: 'not_found' | 'bad_request' | 'failed'; message: string };

/**
 * The control socket of a server process on SQLite (one process, no NATS): beside the database file, `<DATABASE_PATH>.admin.sock`, readable and writable by
 * the server's user only (who can open the database file anyway). Null for an in-memory
 * database, which no other process can share.
 *
 * Why it exists: a server's sockets hear of commits through its in-process hub, which another
 * process cannot reach. `npm run admin -- erase-visitor` on the same database hands the
 * erasure to the running server through this socket, so that the server itself commits
 * `thread_deleted` to its open sockets and webhooks, closes the visitor's sockets and erases,
 * exactly as for an erasure by REST. With NATS, the admin command joins the bus instead (see
 * `erase-visitor-command.ts`), and no control socket is opened.
 */
export function controlSocketPath(config: Pick<ServerConfig, 'databasePath'>): string | null {
  if (config.databasePath === ':memory:') return null;
  const beside = `${config.databasePath}.admin.sock`;
  if (Buffer.byteLength(beside) <= MAX_SOCKET_PATH_BYTES) return beside;
  const hash = createHash('sha256').update(config.databasePath).digest('hex').slice(0, 24);
  return join(tmpdir(), `ama2-admin-${hash}.sock`);
}

/** Parses one request line; null when it is not a well-formed request. */
function parseRequest(line: string): ControlRequest | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { op, agent_id: agentId, visitor_id: visitorId } = value as Record<string, unknown>;
  if (op !== 'erase-visitor' || typeof agentId !== 'string' || typeof visitorId !== 'string') return null;
  if (!isUuid(agentId) || !isUuid(visitorId)) return null;
  return { op, agent_id: agentId.toLowerCase(), visitor_id: visitorId.toLowerCase() };
}

/** Reads one line (the request, or the answer) from the socket; rejects when it ends first or the line is too long. */
function readLine(socket: Socket, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (error: Error | null, line?: string) => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      if (error) reject(error);
      else resolve(line!);
    };
    const onData = (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end >= 0) done(null, text.slice(0, end));
      else if (Buffer.byteLength(text) > maxBytes) done(new Error('The line is too long.'));
    };
    const onEnd = () => done(new Error('The connection ended before a whole line came.'));
    const onError = (error: Error) => done(error);
    socket.setEncoding('utf8');
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
  });
}

/** The server side: answers erasure requests from `npm run admin` on this process. */
export class ControlSocket {
  private server: Server | undefined;

  constructor(
    private readonly path: string,
    private readonly storage: Storage,
    private readonly privacy: PrivacyService,
    private readonly log: FastifyBaseLogger,
  ) {}

  /**
   * Listens. A socket file left by a process that died is replaced; one another live server
   * answers on (two servers on one database file, which is not supported) is left to it. A
   * socket that cannot be opened is logged, and the server goes on without one.
   */
  async start(): Promise<void> {
    if (this.server) return;
    try {
      await this.listen();
    } catch (error) {
      // The server serves without it: an erase-visitor command then erases alone (see visitor-erasure.ts).
      this.log.warn({ err: error, path: this.path }, 'admin control socket not opened; erase-visitor will not reach this process');
    }
  }

  private async listen(): Promise<void> {
    if (await answers(this.path)) throw new Error('Another server answers on it (two servers on one database file?).');
    await unlink(this.path).catch(() => undefined);
    const server = createServer((socket) => void this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // Only the server's user may ask for an erasure (whoever can read the database file).
    await chmod(this.path, 0o600);
    server.on('error', (error) => this.log.error({ err: error }, 'admin control socket failed'));
    this.server = server;
  }

  /** Stops listening (the socket file is removed); a request being served finishes. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(socket: Socket): Promise<void> {
    // A client that goes (another server's liveness probe, a cut connection) is no error of
    // this server's: without a listener, its socket's error would end the process.
    socket.on('error', () => undefined);
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
    let answer: ControlAnswer;
    try {
      const request = parseRequest(await readLine(socket, MAX_REQUEST_BYTES));
      // The erasure itself may take long (webhooks get a moment to take thread_deleted): no timeout while it runs.
      socket.setTimeout(0);
      answer = request ? await this.erase(request) : { ok: false, error: 'bad_request', message: 'Not a control request.' };
    } catch (error) {
      if (socket.destroyed) return;
      this.log.error({ err: error }, 'admin control request failed');
      answer = { ok: false, error: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
    // Answered only to a client still there to read it (one that ended first has nothing to hear).
    if (socket.writable) socket.end(`${JSON.stringify(answer)}\n`);
  }

  private async erase(request: ControlRequest): Promise<ControlAnswer> {
    const visitor = await this.storage.privacy.visitor(request.agent_id, request.visitor_id);
    if (!visitor) return { ok: false, error: 'not_found', message: 'No such visitor of that agent.' };
    const threads = await this.privacy.eraseVisitor(visitor, 'erased_by_owner', 'system', { actor: ADMIN_ACTOR });
    return { ok: true, threads };
  }
}

/** Whether a live server answers on the socket path (false: no file, or one a dead process left). */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Errors of a connect that mean no server is listening: no socket file, or one a dead process left. */
const NOBODY_LISTENS = new Set(['ENOENT', 'ECONNREFUSED']);

/**
 * The client side: asks the server listening on `path` to run the request, and resolves with
 * its answer; null when no server listens there (so the caller does the work itself), or the
 * server went away before answering (the caller does it again: an erasure can be run again).
 */
export function askRunningServer(path: string, request: ControlRequest): Promise<ControlAnswer | null> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (NOBODY_LISTENS.has(error.code ?? '')) resolve(null);
      else reject(new Error(`Cannot reach the running server's control socket ${path}: ${error.message}`));
    });
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      socket.write(`${JSON.stringify(request)}\n`);
      readLine(socket, MAX_REQUEST_BYTES)
        .then((line) => {
          socket.destroy();
          const answer = JSON.parse(line) as ControlAnswer;
          resolve(typeof answer === 'object' && answer !== null && typeof answer.ok === 'boolean' ? answer : null);
        })
        .catch(() => {
          socket.destroy();
          resolve(null);
        });
    });
  });
}

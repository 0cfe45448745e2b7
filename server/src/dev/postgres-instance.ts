import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import postgres from 'postgres';

/** Where Debian's `postgresql` package puts each major version's binaries. */
const DEBIAN_PG_ROOT = '/usr/lib/postgresql';
/** The superuser that `initdb` creates (also the OS user that runs the server when we are root). */
export const POSTGRES_SUPERUSER = 'postgres';
/** How long a fresh server may take to accept connections. */
const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 50;
/** How long a fast shutdown may take before the server is killed. */
const STOP_TIMEOUT_MS = 10_000;
/** Start attempts: another process may take the free port between our probe and the server's bind. */
const START_ATTEMPTS = 3;

/**
 * Settings for a throwaway server: durability off (a crash may lose the data; the data is
 * thrown away anyway), enough connections for several pools per test process.
 */
export const THROWAWAY_SETTINGS: Readonly<Record<string, string>> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: '300',
};

export interface PostgresInstance {
  /** `postgres://postgres[:password]@127.0.0.1:<port>/postgres`, the maintenance database. */
  readonly url: string;
  readonly port: number;
  /** The data directory (inside {@link baseDir}). */
  readonly dataDir: string;
  /** Holds the data directory, the unix socket and the server's log. */
  readonly baseDir: string;
  /** The URL of a database on this server. */
  databaseUrl(name: string): string;
  /** Creates an empty database (from `template0`) and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server (fast shutdown); removes the directory unless it was given to {@link startPostgres}. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** A directory to keep the cluster in (created and initialised when empty); a fresh temp dir when absent. */
  baseDir?: string;
  /** Port to listen on (127.0.0.1 only); a free one when absent. */
  port?: number;
  /** Require this password over TCP (scram-sha-256); without it, local connections are trusted. */
  password?: string;
  /** Extra or overriding server settings (`-c name=value`). */
  settings?: Record<string, string>;
  /** The directory of `initdb` and `postgres`; see {@link findPostgresBin}. */
  binDir?: string;
}

/**
 * The directory of PostgreSQL's server binaries: `PG_BIN` when set, else the highest
 * version under Debian's `/usr/lib/postgresql/<version>/bin`. Undefined when there is none.
 */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PG_BIN) return existsSync(join(env.PG_BIN, 'postgres')) ? env.PG_BIN : undefined;
  if (!existsSync(DEBIAN_PG_ROOT)) return undefined;
  const versions = readdirSync(DEBIAN_PG_ROOT)
    .filter((name) => /^\d+(\.\d+)?$/.test(name) && existsSync(join(DEBIAN_PG_ROOT, name, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(DEBIAN_PG_ROOT, versions[0], 'bin');
}

/** A port nobody listens on right now: bind port 0, note what the system gave, let it go. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolvePort(port));
    });
  });
}

const isRoot = () => process.getuid?.() === 0;

/**
 * How to run a PostgreSQL binary: PostgreSQL refuses to run as root, so as root it runs as
 * the `postgres` user that Debian's package creates.
 */
function command(binDir: string, name: string, args: string[]): [string, string[]] {
  const path = join(binDir, name);
  return isRoot() ? ['runuser', ['-u', POSTGRES_SUPERUSER, '--', path, ...args]] : [path, args];
}

/** Gives a directory (and what is in it) to the `postgres` user when we run as root. */
function ownForPostgres(path: string): void {
  if (!isRoot()) return;
  const uid = Number(execFileSync('id', ['-u', POSTGRES_SUPERUSER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', POSTGRES_SUPERUSER], { encoding: 'utf8' }).trim());
  chownSync(path, uid, gid);
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    chownSync(join(entry.parentPath, entry.name), uid, gid);
  }
}

function initdb(binDir: string, dataDir: string, baseDir: string, password: string | undefined): void {
  const args = ['-D', dataDir, '-U', POSTGRES_SUPERUSER, '-E', 'UTF8', '--locale=C', '--no-sync', '--auth-local=trust'];
  if (password !== undefined) {
    const pwfile = join(baseDir, 'pwfile');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    ownForPostgres(baseDir);
    args.push(`--pwfile=${pwfile}`, '--auth-host=scram-sha-256');
  } else {
    args.push('--auth-host=trust');
  }
  const [file, fileArgs] = command(binDir, 'initdb', args);
  try {
    execFileSync(file, fileArgs, { stdio: 'pipe' });
  } catch (error) {
    const output = `${(error as { stdout?: Buffer }).stdout?.toString() ?? ''}${(error as { stderr?: Buffer }).stderr?.toString() ?? ''}`;
    throw new Error(`initdb failed in ${dataDir}:\n${output.trim()}`, { cause: error });
  } finally {
    if (password !== undefined) rmSync(join(baseDir, 'pwfile'), { force: true });
  }
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls until the server answers a query, the process exits, or the time is up. */
async function waitUntilReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`PostgreSQL exited while starting:\n${tail(logFile)}`);
    }
    const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await sql`SELECT 1`;
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`PostgreSQL did not become ready in ${READY_TIMEOUT_MS} ms: ${(error as Error).message}`, { cause: error });
    } finally {
      await sql.end({ timeout: 1 });
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, READY_POLL_MS));
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => child.once('exit', () => resolveExit()));
}

/** The postmaster's own pid (under `runuser`, the child we spawned is runuser, not postgres). */
function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number | undefined, name: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/**
 * Creates an empty database (from `template0`, so nothing of another database leaks in) on
 * the server of `adminUrl`, and returns the URL of the new database.
 */
export async function createDatabase(adminUrl: string, name = `ama2_${randomBytes(6).toString('hex')}`): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`"${name}" is not a plain database name (a-z, 0-9, _).`);
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`CREATE DATABASE ${name} TEMPLATE template0`);
  } finally {
    await sql.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Starts a real PostgreSQL server for tests or a local cluster: `initdb` into a fresh
 * directory (or reuses the cluster in `baseDir`), listens on 127.0.0.1 with its unix
 * socket in that directory, waits until it answers, and returns its URL. Stop it with
 * {@link PostgresInstance.stop}. Throws when the binaries are absent.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresInstance> {
  const binDir = options.binDir ?? findPostgresBin();
  if (!binDir) {
    const where = process.env.PG_BIN ? `PG_BIN=${process.env.PG_BIN}` : `${DEBIAN_PG_ROOT}/<version>/bin`;
    throw new Error(`PostgreSQL is not installed: no postgres in ${where}.`);
  }
  const owned = options.baseDir === undefined;
  const baseDir = owned ? mkdtempSync(join(tmpdir(), 'ama2-postgres-')) : resolve(options.baseDir!);
  mkdirSync(baseDir, { recursive: true });
  const dataDir = join(baseDir, 'data');
  try {
    ownForPostgres(baseDir);
    if (!existsSync(join(dataDir, 'PG_VERSION'))) initdb(binDir, dataDir, baseDir, options.password);
    let lastError: unknown;
    for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      try {
        return await launch(binDir, baseDir, dataDir, owned, options, options.port ?? (await freePort()));
      } catch (error) {
        lastError = error;
        if (options.port !== undefined) break;
      }
    }
    throw lastError;
  } catch (error) {
    if (owned) rmSync(baseDir, { recursive: true, force: true });
    throw error;
  }
}

async function launch(
  binDir: string,
  baseDir: string,
  dataDir: string,
  owned: boolean,
  options: StartPostgresOptions,
  port: number,
): Promise<PostgresInstance> {
  const settings = { ...THROWAWAY_SETTINGS, ...options.settings, listen_addresses: '127.0.0.1' };
  const args = ['-D', dataDir, '-p', String(port), '-k', baseDir];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const logFile = join(baseDir, 'postgres.log');
  const log = openSync(logFile, 'a');
  const [file, fileArgs] = command(binDir, 'postgres', args);
  const child = spawn(file, fileArgs, { stdio: ['ignore', log, log] });
  closeSync(log); // the child has its own copy
  const auth = options.password === undefined ? POSTGRES_SUPERUSER : `${POSTGRES_SUPERUSER}:${encodeURIComponent(options.password)}`;
  const databaseUrl = (name: string) => `postgres://${auth}@127.0.0.1:${port}/${encodeURIComponent(name)}`;
  const url = databaseUrl('postgres');

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      // SIGINT is PostgreSQL's fast shutdown: sessions are ended, the data is flushed.
      const pid = postmasterPid(dataDir) ?? child.pid;
      signal(pid, 'SIGINT');
      const timer = setTimeout(() => signal(pid, 'SIGKILL'), STOP_TIMEOUT_MS);
      await exited(child);
      // Under runuser the postmaster is our grandchild: wait for it too.
      while (pid !== undefined && alive(pid)) await new Promise((resolveWait) => setTimeout(resolveWait, READY_POLL_MS));
      clearTimeout(timer);
      if (owned) rmSync(baseDir, { recursive: true, force: true });
    })());

  try {
    await waitUntilReady(url, child, logFile);
  } catch (error) {
    signal(postmasterPid(dataDir) ?? child.pid, 'SIGKILL');
    await exited(child);
    throw error;
  }

  return {
    url,
    port,
    dataDir,
    baseDir,
    databaseUrl,
    createDatabase: (name?: string) => createDatabase(url, name),
    stop,
  };
}

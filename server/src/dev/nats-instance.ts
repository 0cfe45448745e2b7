import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's `nats-server` package puts the binary. */
const DEFAULT_BINARY = '/usr/sbin/nats-server';
/** How long a fresh nats-server may take to say it listens. */
const START_TIMEOUT_MS = 15_000;
/** How long a stopped nats-server may take to exit before it is killed. */
const STOP_TIMEOUT_MS = 5_000;
/** nats-server's log line that names the client port (`-p -1` picks a free one). */
const LISTENING = /Listening for client connections on ([^\s:]+|\[[^\]]+\]):(\d+)/;

/** A nats-server this process started; `stop()` ends it and removes its JetStream store. */
export interface NatsInstance {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface NatsInstanceOptions {
  /** A fixed client port; a free one by default. */
  port?: number;
  /** Where JetStream keeps its files; a fresh temp folder (removed on stop) by default. */
  storeDir?: string;
  binary?: string;
  /** Require these credentials from clients. */
  user?: string;
  pass?: string;
}

/** The nats-server binary to run: `NATS_SERVER_BIN`, else Debian's; null when neither exists. */
export function natsServerBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  const binary = env.NATS_SERVER_BIN || DEFAULT_BINARY;
  return existsSync(binary) ? binary : null;
}

/** Resolves once something accepts TCP connections on the port. */
function acceptsConnections(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port }, () => {
      socket.end();
      resolve();
    });
    socket.on('error', reject);
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts a real nats-server with JetStream on loopback and waits until it accepts
 * connections. Used by the tests (one per run) and by local cluster scripts.
 */
export async function startNatsServer(options: NatsInstanceOptions = {}): Promise<NatsInstance> {
  const binary = options.binary ?? natsServerBinary();
  if (!binary)
    throw new Error(
      `nats-server not found at ${process.env.NATS_SERVER_BIN || DEFAULT_BINARY}; install Debian's nats-server or set NATS_SERVER_BIN.`,
    );
  const ownStore = options.storeDir === undefined;
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'ama2-nats-'));
  const args = ['-a', '127.0.0.1', '-p', String(options.port ?? -1), '-js', '-sd', storeDir];
  if (options.user !== undefined) args.push('--user', options.user, '--pass', options.pass ?? '');
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const cleanup = () => {
    if (ownStore) rmSync(storeDir, { recursive: true, force: true });
  };

  let log = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`nats-server did not start within ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = LISTENING.exec(log);
      if (!match) return;
      clearTimeout(timer);
      child.off('error', fail).off('exit', earlyExit);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      resolve(Number(match[2]));
    };
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const earlyExit = (code: number | null) => fail(new Error(`nats-server exited with code ${code} before it listened:\n${log}`));
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', fail);
    child.once('exit', earlyExit);
  }).catch((error: unknown) => {
    cleanup();
    throw error;
  });
  // Keep draining its output so a chatty server never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  await acceptsConnections('127.0.0.1', port);

  let stopping: Promise<void> | undefined;
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    stop() {
      stopping ??= (async () => {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited(child);
        clearTimeout(timer);
        cleanup();
      })();
      return stopping;
    },
  };
}

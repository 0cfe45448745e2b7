import { afterAll, afterEach, beforeAll } from 'vitest';
import type { StorageEnv } from './each-storage.ts';
import { api, demoWorld, startTestServer, type TestServer } from './test-server.ts';
import { SocketTracker, TestSocket, userSocketUrl } from './test-socket.ts';

/** Alice, Bob, their Welcome thread and the demo agent, signed in (`demoWorld`). */
export type DemoWorld = Awaited<ReturnType<typeof demoWorld>>;

/** One suite's test server with the demo world (see {@link demoSuite}). */
export interface DemoSuite {
  readonly server: TestServer;
  readonly world: DemoWorld;
  /** A user socket for `token`, ready; closed after the test. */
  connect(token: string): Promise<TestSocket>;
  /** Closes `socket` after the test. */
  track(socket: TestSocket): TestSocket;
  /** Every event of the thread after seq `after`, read page by page as `token` (Alice by default). */
  log(threadId: string, after?: number, token?: string): Promise<any[]>;
}

/**
 * A suite's server: started on `storageEnv` (with `env` added) and signed in as the demo world
 * before its tests, closed after them; the sockets it opened or tracked close after each test.
 * Read `server` and `world` inside tests and hooks, once the suite has started.
 */
export function demoSuite(storageEnv: StorageEnv, env: NodeJS.ProcessEnv = {}): DemoSuite {
  let server: TestServer | undefined;
  let world: DemoWorld | undefined;
  const sockets = new SocketTracker();
  beforeAll(async () => {
    server = await startTestServer({ ...(await storageEnv()), ...env });
    world = await demoWorld(server);
  });
  afterEach(() => sockets.closeAll());
  afterAll(async () => {
    await server?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The suite’s server is read before its beforeAll started it.');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get world() {
      return started(world);
    },
    async connect(token) {
      const socket = sockets.track(TestSocket.open(userSocketUrl(started(server).wsUrl, token)));
      await socket.ready();
      return socket;
    },
    track: (socket) => sockets.track(socket),
    async log(threadId, after = 0, token = started(world).alice.token) {
      const events: any[] = [];
      for (;;) {
        const page = await api(started(server), 'GET', `/chat/threads/${threadId}/events?last_thread_seq=${after}&limit=200`, { token });
        if (page.status !== 200) throw new Error(`reading the log of ${threadId}: ${page.status}`);
        events.push(...page.body.events);
        if (!page.body.has_more) return events;
        after = events.at(-1).thread_seq;
      }
    },
  };
}

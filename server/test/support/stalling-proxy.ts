import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a database that can be made to stall: after {@link StallingProxy.stall}
 * it keeps every connection open (and accepts new ones) but passes no byte either way, like a
 * database host that stopped answering without closing anything; {@link StallingProxy.resume}
 * delivers what was held back, in order, and passes bytes again.
 */
export interface StallingProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  /** From now on, nothing passes (bytes sent meanwhile are held back). */
  stall(): void;
  /** Delivers what was held back and passes bytes again. */
  resume(): void;
  /** Closes the proxy and every connection through it. */
  close(): Promise<void>;
}

/** Listens on a free port of 127.0.0.1 and forwards each connection to `target`. */
export async function startStallingProxy(target: { host: string; port: number }): Promise<StallingProxy> {
  const sockets = new Set<Socket>();
  let stalled = false;
  /** Writes held back while stalled, in arrival order. */
  let held: (() => void)[] = [];
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A connection torn down when the test closes everything is expected.
    socket.on('error', () => {});
  };
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    track(client);
    track(upstream);
    const pass = (to: Socket) => (chunk: Buffer) => {
      if (stalled) held.push(() => to.write(chunk));
      else to.write(chunk);
    };
    client.on('data', pass(upstream));
    upstream.on('data', pass(client));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stall: () => {
      stalled = true;
    },
    resume: () => {
      stalled = false;
      const writes = held;
      held = [];
      for (const write of writes) write();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

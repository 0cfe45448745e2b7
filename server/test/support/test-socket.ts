import WebSocket from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

/**
 * A WebSocket client for tests: records every frame, and waits for a frame that matches,
 * or for the close, with a deadline so that a missing frame fails fast with a clear message.
 */
export class TestSocket {
  readonly frames: any[] = [];
  readonly closed: Promise<Closed>;
  private readonly waiters = new Set<() => void>();
  private opened = false;
  private closeInfo: Closed | undefined;

  constructor(readonly ws: WebSocket) {
    ws.on('open', () => (this.opened = true));
    ws.on('message', (data) => {
      try {
        this.frames.push(JSON.parse(data.toString()));
      } catch {
        this.frames.push({ type: '__not_json__', raw: data.toString() });
      }
      for (const waiter of this.waiters) waiter();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        for (const waiter of this.waiters) waiter();
      });
    });
    ws.on('error', () => undefined);
  }

  static open(url: string, options: { protocols?: string[]; origin?: string; headers?: Record<string, string> } = {}) {
    const ws = new WebSocket(url, options.protocols ?? [], {
      ...(options.origin ? { origin: options.origin } : {}),
      headers: options.headers ?? {},
    });
    return new TestSocket(ws);
  }

  get isOpen(): boolean {
    return this.opened && this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves with the first frame (already received or future) that matches. */
  next(predicate: (frame: any) => boolean, timeoutMs = 5_000, label = 'frame'): Promise<any> {
    return new Promise((resolve, reject) => {
      let index = 0;
      const check = () => {
        for (; index < this.frames.length; index++) {
          if (predicate(this.frames[index])) {
            cleanup();
            resolve(this.frames[index]);
            return;
          }
        }
        if (this.closeInfo) {
          cleanup();
          reject(new Error(`socket closed (${this.closeInfo.code} ${this.closeInfo.reason}) before ${label}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${label}; got ${JSON.stringify(this.frames.map((f) => f.type))}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  nextOfType(type: string, timeoutMs?: number) {
    return this.next((frame) => frame.type === type, timeoutMs, `a "${type}" frame`);
  }

  /** Waits until the server's `ready` frame, i.e. the connection is fully set up. */
  ready() {
    return this.nextOfType('ready');
  }

  ofType(type: string): any[] {
    return this.frames.filter((frame) => frame.type === type);
  }

  close(): Promise<Closed> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    return this.closed;
  }
}

export const userSocketUrl = (wsUrl: string, token?: string) =>
  `${wsUrl}/api/v1/chat/ws/user/threads${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;

export const publicSocketUrl = (wsUrl: string, slug: string, threadId: string, email: string) =>
  `${wsUrl}/api/v1/chat/ws/public/${encodeURIComponent(slug)}/threads/${encodeURIComponent(threadId)}?email=${encodeURIComponent(email)}`;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sockets a test file opened, closed after each test so that none outlives its test. */
export class SocketTracker {
  private readonly sockets: TestSocket[] = [];

  track(socket: TestSocket): TestSocket {
    this.sockets.push(socket);
    return socket;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.sockets.splice(0).map((socket) => socket.close()));
  }
}

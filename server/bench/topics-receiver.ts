/**
 * The receiving side of `npm run bench:topics`, in a child process of its own so that the
 * client does not queue behind the server or the load generator: the agent socket (timed), by
 * a raw socket or through `ThreadRuntimeClient.subscribe`, and the other sockets (subscribed,
 * counted). Each event carries the time it was offered in `data.t`; the latency is from then
 * to the receipt here (same machine clock).
 */
import { fork, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { ThreadRuntimeClient } from '../../src/core/api/thread-runtime-client.ts';
import type { WebSocketConstructor } from '../../src/core/connection/websocket-transport.ts';

const RECEIVER_ENV = 'BENCH_TOPICS_RECEIVER';
/** Other sockets connect this many at a time: a connect storm is not what is measured. */
const CONNECT_BATCH = 100;

export interface ReceiverSetup {
  port: number;
  /** The topics' `<org>` (`local` on one process, the cluster's `NATS_ORG` on several). */
  org: string;
  agentToken: string;
  userToken: string;
  others: number;
  /** Receive through `ThreadRuntimeClient.subscribe` (timed at the iterator's yield) instead of a raw socket. */
  sdk: boolean;
}

/** What the receiver reports (and then forgets): each event's offer → receipt, and the last receipt. */
export interface ReceiverReport {
  latencies: number[];
  /** When each of `latencies` was received (ms since 1970), in the same order. */
  receivedAt: number[];
  first: number;
  last: number;
}

function receiver(): void {
  const { port, org, agentToken, userToken, others, sdk } = JSON.parse(process.env[RECEIVER_ENV]!) as ReceiverSetup;
  const url = (path: string) => `ws://127.0.0.1:${port}${path}`;
  const agentTopic = `events.${org}.chat.thread.*.*`;
  let latencies: number[] = [];
  let receivedAt: number[] = [];
  let first = 0;
  let last = 0;
  type EventFrame = { type: 'event'; data: { event: { data?: { t?: number } } } };
  const open = (path: string, token: string, topic: string, onEvent: (frame: EventFrame) => void) =>
    new Promise<WebSocket>((resolve) => {
      const ws = new WebSocket(url(path), ['auth', token]);
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as EventFrame | { type: 'ready' | 'subscribed' };
        if (frame.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', data: { id: 's', topic } }));
        else if (frame.type === 'subscribed') resolve(ws);
        else if (frame.type === 'event') onEvent(frame);
      });
    });
  const sockets: WebSocket[] = [];
  const received = (event: Readonly<Record<string, unknown>>) => {
    const now = performance.timeOrigin + performance.now();
    if (first === 0) first = now;
    last = now;
    const sentAt = (event.data as { t?: unknown } | undefined)?.t;
    if (typeof sentAt === 'number') {
      latencies.push(now - sentAt);
      receivedAt.push(now);
    }
  };
  let stopSdk: (() => unknown) | undefined;
  void (async () => {
    if (sdk) {
      const client = new ThreadRuntimeClient({
        baseURL: `http://127.0.0.1:${port}`,
        token: agentToken,
        WebSocket: WebSocket as unknown as WebSocketConstructor,
      });
      const iterator = client.subscribe(agentTopic);
      stopSdk = () => iterator.return?.();
      const firstYield = iterator.next();
      // The subscription is in place once it yields: the hub sends the agent nothing before the offer, so a probe goes first.
      process.send!({ type: 'probe' });
      const probe = await firstYield;
      if (!probe.done) received(probe.value.event);
      void (async () => {
        for await (const { event } of iterator) received(event);
      })();
    } else {
      sockets.push(await open('/api/v1/chat/ws/agent', agentToken, agentTopic, (frame) => received(frame.data.event)));
    }
    for (let index = 0; index < others; index += CONNECT_BATCH) {
      const batch = Array.from({ length: Math.min(CONNECT_BATCH, others - index) }, () =>
        open('/api/v1/chat/ws/user/threads', userToken, `events.${org}.>`, () => {}),
      );
      sockets.push(...(await Promise.all(batch)));
    }
    process.send!({ type: 'open' });
  })();
  process.on('message', (message: { type: string }) => {
    if (message.type === 'count') {
      process.send!({ type: 'count', count: latencies.length });
    } else if (message.type === 'report') {
      process.send!({ type: 'report', latencies, receivedAt, first, last } satisfies ReceiverReport & { type: string });
      latencies = [];
      receivedAt = [];
      first = last = 0;
    } else if (message.type === 'close') {
      for (const ws of sockets) ws.terminate();
      void stopSdk?.();
      process.disconnect();
    }
  });
}

/** Resolves with the child's next message of type `expect` (after sending `send`, if any). */
export function ask<T>(child: ChildProcess, send: string | null, expect: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== expect) return;
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
    if (send) child.send({ type: send });
  });
}

/**
 * Starts a receiver. It says `probe` (SDK only: about to wait for the first event, which the
 * caller must offer until `open`), then `open` once every socket is subscribed; `count`
 * answers with how many events were received since the last report; `report` answers with a
 * {@link ReceiverReport}; `close` ends it.
 */
export function forkReceiver(setup: ReceiverSetup): ChildProcess {
  return fork(new URL(import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, [RECEIVER_ENV]: JSON.stringify(setup) },
  });
}

if (process.env[RECEIVER_ENV]) receiver();

/**
 * Take-over latency (CONTRACT §11, issue 17's budget): a visitor's public socket watches the
 * demo agent stream (`/stream N`), a user takes the conversation over through REST, and the
 * time from the take-over request to the stream's end on the visitor's socket is measured:
 * to the last `text_delta` (the text stops) and to the `intake_failed` (the run is over).
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { jsonRequest, sleep } from '../spawn-server.ts';

/** Long enough to be still streaming when the take-over comes (the demo agent's maximum). */
const STREAM_CHARS = 50_000;
/** Give up on a frame after this long: the server is broken, not slow. */
const FRAME_TIMEOUT_MS = 10_000;
/** After `intake_failed`, how long text that should not come is awaited (counted as late). */
const LATE_WINDOW_MS = 100;

export interface TakeoverOptions {
  agent: http.Agent;
  /** The process the visitor talks to: the run runs there. */
  visitorPort: number;
  /** The process the take-over goes through (another one for the cross-process figure). */
  takeoverPort: number;
  /** A user who owns the demo agent, so may take its public threads over. */
  token: string;
  count: number;
}

export interface TakeoverLatencies {
  /** Take-over request → the last `text_delta` on the visitor's socket (0 when none came after the request). */
  textStopMs: number[];
  /** Take-over request → `intake_failed` on the visitor's socket. */
  intakeFailedMs: number[];
  /** `text_delta` frames that arrived after `intake_failed` (should be none). */
  lateDeltas: number;
}

type Frame = { type: string; data?: { event_type?: string } };

/** One visitor socket, with a wait for the next runtime frame of a kind. */
function visitorSocket(port: number, threadId: string, visitorToken: string) {
  const url = `ws://127.0.0.1:${port}/api/v1/chat/ws/public/demo/threads/${threadId}`;
  const socket = new WebSocket(url, ['visitor', visitorToken]);
  const seen: { type: string; at: number }[] = [];
  let waiter: { type: string; resolve: (at: number) => void } | null = null;
  let isReady: () => void = () => undefined;
  // The server says `ready` once the socket is subscribed; a frame sent before may find no session.
  const ready = new Promise<void>((resolve, reject) => {
    isReady = resolve;
    socket.once('error', reject);
  });
  socket.on('message', (raw: Buffer) => {
    const frame = JSON.parse(raw.toString()) as Frame;
    if (frame.type === 'ready') isReady();
    if (frame.type !== 'thread_runtime' || !frame.data?.event_type) return;
    const at = performance.now();
    seen.push({ type: frame.data.event_type, at });
    if (waiter && waiter.type === frame.data.event_type) {
      waiter.resolve(at);
      waiter = null;
    }
  });
  const next = (type: string) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} on the visitor's socket`)), FRAME_TIMEOUT_MS);
      waiter = {
        type,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
    });
  return { socket, seen, ready, next };
}

/** `count` take-overs, each of a new visitor's conversation while the agent streams to it. */
export async function measureTakeovers(options: TakeoverOptions): Promise<TakeoverLatencies> {
  const result: TakeoverLatencies = { textStopMs: [], intakeFailedMs: [], lateDeltas: 0 };
  const request = <T>(port: number, method: string, path: string, token: string | null, body?: unknown) =>
    jsonRequest<T>(options.agent, port, method, path, token, body);
  for (let index = 0; index < options.count; index++) {
    const visitor = await request<{ thread_id: string; visitor_token: string }>(
      options.visitorPort,
      'POST',
      '/chat/public/demo/threads',
      null,
      {
        email: `takeover-${randomUUID().slice(0, 8)}@customer.example`,
      },
    );
    if (visitor.status !== 201) throw new Error(`resolve answered ${visitor.status}`);
    const { thread_id: threadId, visitor_token: visitorToken } = visitor.json;
    const watch = visitorSocket(options.visitorPort, threadId, visitorToken);
    try {
      await watch.ready;
      const streaming = watch.next('text_delta');
      watch.socket.send(
        JSON.stringify({
          type: 'send_message',
          data: { thread_id: threadId, content: `/stream ${STREAM_CHARS}`, client_message_id: randomUUID() },
        }),
      );
      await streaming;
      const ended = watch.next('intake_failed');
      const start = performance.now();
      const taken = await request(options.takeoverPort, 'POST', `/chat/threads/${threadId}/takeover`, options.token);
      if (taken.status !== 200) throw new Error(`take-over answered ${taken.status}`);
      const failedAt = await ended;
      await sleep(LATE_WINDOW_MS);
      const deltas = watch.seen.filter((frame) => frame.type === 'text_delta');
      const lastBefore = deltas.filter((frame) => frame.at <= failedAt).at(-1)?.at ?? start;
      result.textStopMs.push(Math.max(0, lastBefore - start));
      result.intakeFailedMs.push(failedAt - start);
      result.lateDeltas += deltas.filter((frame) => frame.at > failedAt).length;
    } finally {
      watch.socket.close();
    }
  }
  return result;
}

import * as v from 'valibot';
import type { ConnectionState } from '../connection/connection.ts';
import type { TransportKind } from '../connection/transport.ts';
import { parseClientFrame, type ClientFrame } from '../protocol/client-frames.ts';
import { parseServerFrame, type InboundFrame } from '../protocol/server-frame-schemas.ts';

/**
 * The messages of the connection relay (topic `conn` of the tab hub). `from` is the sending
 * tab's id. The leader sends `state`, `open`, `frame`, `ack` and `resign`; every other tab
 * sends `hello` (when it starts to follow: the leader answers with its `state`), `send`,
 * `retry` and `resume`. What each tab follows and focuses, and where its engine is, travel in
 * its heartbeat (see `TabHub`).
 */
export type ConnMessage =
  | { kind: 'state'; from: string; state: ConnectionState }
  | { kind: 'open'; from: string; transport: TransportKind }
  | { kind: 'frame'; from: string; frame: InboundFrame }
  | { kind: 'ack'; from: string; to: string; id: number }
  | { kind: 'resign'; from: string }
  | { kind: 'hello'; from: string }
  | { kind: 'send'; from: string; to: string; id: number; frame: ClientFrame }
  | { kind: 'retry'; from: string; to: string }
  | { kind: 'resume'; from: string; to: string };

const tabId = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const transport = v.picklist(['websocket', 'sse', 'poll']);
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const closeInfo = v.nullable(v.object({ code: v.number(), reason: v.string() }));

const stateSchema = v.variant('status', [
  v.object({ status: v.literal('connecting'), attempt: count }),
  v.object({ status: v.literal('open'), transport }),
  v.object({ status: v.literal('reconnecting'), attempt: count, retryAt: v.number(), lastClose: closeInfo }),
  v.object({ status: v.literal('offline') }),
  v.object({ status: v.literal('paused'), reason: v.string() }),
  v.object({ status: v.literal('failed'), reason: v.string(), code: v.nullable(v.number()) }),
]);

/** Everything but the frames, which are checked by the protocol's own parsers below. */
const messageSchema = v.variant('kind', [
  v.object({ kind: v.literal('state'), from: tabId, state: stateSchema }),
  v.object({ kind: v.literal('open'), from: tabId, transport }),
  v.object({ kind: v.literal('frame'), from: tabId, frame: v.unknown() }),
  v.object({ kind: v.literal('ack'), from: tabId, to: tabId, id: count }),
  v.object({ kind: v.literal('resign'), from: tabId }),
  v.object({ kind: v.literal('hello'), from: tabId }),
  v.object({ kind: v.literal('send'), from: tabId, to: tabId, id: count, frame: v.unknown() }),
  v.object({ kind: v.literal('retry'), from: tabId, to: tabId }),
  v.object({ kind: v.literal('resume'), from: tabId, to: tabId }),
]);

export type ConnMessageParse = { ok: true; message: ConnMessage } | { ok: false; reason: string };

/**
 * Validates one relay message (another tab may run an older or newer build). Relayed server
 * frames go through the same validation as frames from the socket; relayed client frames
 * through the server's own client-frame schemas.
 */
export function parseConnMessage(input: unknown): ConnMessageParse {
  const result = v.safeParse(messageSchema, input);
  if (!result.success) {
    const path = result.issues[0]?.path?.map((item) => String(item.key)).join('.') ?? '';
    return { ok: false, reason: path ? `invalid ${path}` : 'not a relay message' };
  }
  const message = result.output;
  if (message.kind === 'frame') {
    const parsed = parseServerFrame(message.frame);
    return parsed.ok
      ? { ok: true, message: { ...message, frame: parsed.frame } }
      : { ok: false, reason: `relayed frame: ${parsed.reason}` };
  }
  if (message.kind === 'send') {
    const parsed = parseClientFrame(JSON.stringify(message.frame));
    return parsed.ok
      ? { ok: true, message: { ...message, frame: parsed.frame } }
      : { ok: false, reason: `relayed send: ${parsed.message}` };
  }
  return { ok: true, message };
}

/** {@link parseConnMessage} as the relay topic's schema on the tab hub (its reason becomes the issue's message). */
export const connMessageSchema = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const parsed = parseConnMessage(dataset.value);
    if (parsed.ok) return parsed.message;
    addIssue({ message: parsed.reason });
    return NEVER;
  }),
);

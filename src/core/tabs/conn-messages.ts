import * as v from 'valibot';
import type { ConnectionState } from '../connection/connection.ts';
import type { TransportKind } from '../connection/transport.ts';
import { parseClientFrame, type ClientFrame } from '../protocol/client-frames.ts';
import { parseServerFrame, type InboundFrame } from '../protocol/server-frame-schemas.ts';

/**
 * The bodies of the connection relay (topic `conn` of the tab hub). The leader sends `state`,
 * `open`, `frame`, `ack` and `resign`; every other tab sends `hello` (when it starts to
 * follow: the leader answers with its `state`), `send`, `retry` and `resume`. What each tab
 * follows and focuses, and where its engine is, travel in its heartbeat (see `TabHub`). Who
 * sent a body is the envelope's `from`, and only there.
 */
export type ConnBody =
  | { kind: 'state'; state: ConnectionState }
  | { kind: 'open'; transport: TransportKind }
  | { kind: 'frame'; frame: InboundFrame }
  | { kind: 'ack'; to: string; id: number }
  | { kind: 'resign' }
  | { kind: 'hello' }
  | { kind: 'send'; to: string; id: number; frame: ClientFrame }
  | { kind: 'retry'; to: string }
  | { kind: 'resume'; to: string };

/** A relay body as a role hears it: with the sending tab's id, from the hub's envelope. */
export type ConnMessage = ConnBody & { from: string };

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
const bodySchema = v.variant('kind', [
  v.object({ kind: v.literal('state'), state: stateSchema }),
  v.object({ kind: v.literal('open'), transport }),
  v.object({ kind: v.literal('frame'), frame: v.unknown() }),
  v.object({ kind: v.literal('ack'), to: tabId, id: count }),
  v.object({ kind: v.literal('resign') }),
  v.object({ kind: v.literal('hello') }),
  v.object({ kind: v.literal('send'), to: tabId, id: count, frame: v.unknown() }),
  v.object({ kind: v.literal('retry'), to: tabId }),
  v.object({ kind: v.literal('resume'), to: tabId }),
]);

export type ConnBodyParse = { ok: true; body: ConnBody } | { ok: false; reason: string };

/**
 * Validates one relay body (another tab may run an older or newer build). Relayed server
 * frames go through the same validation as frames from the socket; relayed client frames
 * through the server's own client-frame schemas.
 */
export function parseConnBody(input: unknown): ConnBodyParse {
  const result = v.safeParse(bodySchema, input);
  if (!result.success) {
    const path = result.issues[0]?.path?.map((item) => String(item.key)).join('.') ?? '';
    return { ok: false, reason: path ? `invalid ${path}` : 'not a relay message' };
  }
  const body = result.output;
  if (body.kind === 'frame') {
    const parsed = parseServerFrame(body.frame);
    return parsed.ok ? { ok: true, body: { ...body, frame: parsed.frame } } : { ok: false, reason: `relayed frame: ${parsed.reason}` };
  }
  if (body.kind === 'send') {
    const parsed = parseClientFrame(JSON.stringify(body.frame));
    return parsed.ok ? { ok: true, body: { ...body, frame: parsed.frame } } : { ok: false, reason: `relayed send: ${parsed.message}` };
  }
  return { ok: true, body };
}

/** {@link parseConnBody} as the relay topic's schema on the tab hub (its reason becomes the issue's message). */
export const connBodySchema = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const parsed = parseConnBody(dataset.value);
    if (parsed.ok) return parsed.body;
    addIssue({ message: parsed.reason });
    return NEVER;
  }),
);

import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { POLL_LIMIT_MAX } from '../../../src/core/protocol/limits.ts';
import { endAtExpiry } from '../auth/token-expiry.ts';
import type { Subscriber } from '../realtime/hub.ts';
import type { Outbound } from '../realtime/outbound.ts';
import { errorResponses, threadParams } from '../http/schemas.ts';
import { badRequest } from '../http/errors.ts';
import type { AppContext } from './app-context.ts';

/** Resolves when the response can take more, or is gone. */
function drainedOrClosed(raw: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done);
      raw.off('close', done);
      resolve();
    };
    raw.on('drain', done);
    raw.on('close', done);
  });
}

function parseSeq(raw: string | undefined, name: string): number | null {
  if (raw === undefined || raw === '') return null;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw badRequest(`${name} must be a whole number ≥ 0.`);
  return value;
}

/**
 * `GET /chat/threads/{id}/events/stream` (SSE). Replays the log after `Last-Event-ID` (or
 * `?last_thread_seq=`), then streams live: durable events with `id: <seq>`, ephemeral ones
 * as bare `data:` lines, and a `: keep-alive` comment every `SSE_KEEPALIVE_MS` (15 s) keeps
 * proxies from closing an idle stream. Live events that arrive during the replay are held back and sent
 * after it, without repeats, so the stream is gap-free and in order. A live event past a gap (with
 * several server processes, a thread's events can arrive out of order) has the gap read from the log first.
 */
export function eventStreamRoute(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { id: string }; Querystring: { last_thread_seq?: string } }>(
    '/chat/threads/:id/events/stream',
    {
      schema: {
        tags: ['events'],
        summary: 'Server-sent events: replay after Last-Event-ID, then live',
        params: threadParams,
        querystring: { type: 'object', properties: { last_thread_seq: { type: 'string', maxLength: 20 } } },
        response: { 200: { type: 'string', description: 'text/event-stream' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = await ctx.authenticate(request);
      const threadId = request.params.id;
      await ctx.threads.access(principal, threadId);
      const lastEventId = request.headers['last-event-id'];
      let cursor =
        parseSeq(Array.isArray(lastEventId) ? lastEventId[0] : lastEventId, 'Last-Event-ID') ??
        parseSeq(request.query.last_thread_seq, 'last_thread_seq') ??
        0;
      // Before the replay reads the log: every event another process publishes from then on is heard here.
      const stopListening = await ctx.hub.listen();

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write(': stream open\n\n');

      let replaying = true;
      const heldBack: Outbound[] = [];
      let heldBackBytes = 0;
      const cap = ctx.config.sseMaxBufferedBytes;
      // A reader that does not keep up would make the server hold ever more for it: past the
      // cap it is cut off, like a slow socket, and reconnects with Last-Event-ID to catch up.
      const tooFarBehind = (held: number) => {
        if (held <= cap) return false;
        request.log.warn({ thread_id: threadId, buffered_bytes: held }, 'SSE reader too slow to keep up; closing it');
        raw.destroy();
        return true;
      };
      // Ended streams (account disabled, token revoked or expired) close a moment after `end()`:
      // nothing may be written meanwhile (Node would throw "write after end").
      const gone = () => raw.writableEnded || raw.destroyed;
      const write = (outbound: Outbound) => {
        if (gone() || tooFarBehind(raw.writableLength)) return;
        if (outbound.seq !== null) {
          if (outbound.seq <= cursor) return;
          cursor = outbound.seq;
        }
        raw.write(outbound.sse);
      };
      const holdBack = (outbound: Outbound) => {
        heldBackBytes += Buffer.byteLength(outbound.sse);
        if (!gone() && !tooFarBehind(heldBackBytes)) heldBack.push(outbound);
      };
      /** Sends the log after the cursor at the reader's pace; live events wait meanwhile, then follow without repeats. */
      const replay = async (): Promise<void> => {
        replaying = true;
        try {
          for (;;) {
            const page = await ctx.storage.log.list(threadId, cursor, POLL_LIMIT_MAX);
            for (const event of page.events) {
              if (gone()) return;
              const flushed = raw.write(`id: ${event.thread_seq}\ndata: ${JSON.stringify(event)}\n\n`);
              cursor = event.thread_seq;
              // A long log is not piled up in memory.
              if (!flushed) await drainedOrClosed(raw);
              if (gone()) return;
            }
            if (!page.hasMore) break;
          }
        } catch (error) {
          request.log.error({ err: error, thread_id: threadId }, 'SSE replay failed');
          if (!gone()) raw.end();
          return;
        }
        replaying = false;
        heldBackBytes = 0;
        for (const outbound of heldBack.splice(0)) deliver(outbound);
      };
      const deliver = (outbound: Outbound) => {
        if (replaying) return holdBack(outbound);
        if (outbound.seq !== null && outbound.seq > cursor + 1) {
          // With several server processes a thread's events can arrive out of order. Everything
          // before a committed event is in the log: the gap is read from there, this one follows.
          holdBack(outbound);
          void replay();
          return;
        }
        write(outbound);
      };
      const subscriber: Subscriber = { senderId: principal.senderId, deliver };
      ctx.hub.subscribe(threadId, subscriber);
      const keepAlive = setInterval(() => {
        if (!gone()) raw.write(': keep-alive\n\n');
      }, ctx.config.sseKeepAliveMs);
      const close = () => {
        clearInterval(keepAlive);
        ctx.hub.unsubscribeAll(subscriber);
        stopListening();
      };
      raw.on('close', close);
      // A reader gone while this process waited for NATS: its 'close' came before the listener.
      if (raw.destroyed) close();
      ctx.streams.add(raw);
      raw.on('close', () => ctx.streams.delete(raw));
      if (principal.kind === 'agent' && principal.tokenId) ctx.tokenStreams.add(principal.tokenId, raw);
      // The stream of a disabled user, or of a token from before a password change, ends; the reconnect is then refused with 401.
      if (principal.kind === 'user')
        raw.on(
          'close',
          ctx.accounts.add(principal.id, principal.sessionVersion ?? 0, () => raw.end()),
        );
      // Like the user socket, a stream lives no longer than its JWT; the reconnect gets 401 "Your session has expired".
      if (principal.kind === 'user' && principal.expiresAtMs !== undefined)
        raw.on(
          'close',
          endAtExpiry(principal.expiresAtMs, () => raw.end()),
        );

      await replay();
    },
  );
}

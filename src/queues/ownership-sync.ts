import type { QueryClient } from '@tanstack/react-query';
import type { SyncEngine } from '../core/engine/sync-engine.ts';
import type { InboundThread } from '../core/protocol/rest-schemas.ts';
import type { InboundEvent } from '../core/protocol/server-frame-schemas.ts';
import { parseEventBody } from '../core/protocol/event-data.ts';
import { patchThread, threadKeys, type ThreadPages } from '../threads/thread-queries.ts';
import { queueKeys } from './queues.ts';

/**
 * How long the counts and queues wait after an ownership event before they are read again:
 * a burst (take-over commits `handoff`, then maybe a `status_changed`) costs one request.
 */
export const QUEUE_REFRESH_DELAY_MS = 250;

/** The events that move a thread between queues. */
const MOVES = new Set(['status_changed', 'assignee_changed', 'handoff', 'handback', 'escalation_created']);

/**
 * A thread with an ownership event applied (CONTRACT §11): what the server's next answer
 * would say. Returns `thread` itself for events that change none of its fields.
 */
export function applyOwnershipEvent(thread: InboundThread, event: InboundEvent, nowIso: () => string): InboundThread {
  const body = parseEventBody(event.event_type, event.data);
  switch (body.type) {
    case 'status_changed': {
      const { status } = body.data;
      const waitingSince =
        status !== 'waiting' ? null : thread.status === 'waiting' ? (thread.waiting_since ?? null) : (event.created_at ?? nowIso());
      return {
        ...thread,
        status,
        waiting_since: waitingSince,
        snoozed_until: status === 'snoozed' ? (body.data.snoozed_until ?? null) : null,
      };
    }
    case 'assignee_changed':
      return { ...thread, assignee_id: body.data.assignee_id };
    case 'handoff':
      return { ...thread, assignee_id: body.data.to, agent_paused: true, status: 'open', waiting_since: null, snoozed_until: null };
    case 'handback':
      return { ...thread, agent_paused: false };
    default:
      return thread;
  }
}

/**
 * Keeps the queues live from the user socket: each ownership event patches the thread in
 * every cached list and its own query at once, then the counts and the queue lists are read
 * again (a thread may have joined a queue whose pages do not hold it). After a reconnect they
 * are read again too: events missed while away are not replayed for threads not open.
 * Returns a stop function.
 */
export function syncOwnership(engine: SyncEngine, queryClient: QueryClient): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refresh = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      void queryClient.invalidateQueries({ queryKey: queueKeys.counts });
      void queryClient.invalidateQueries({ queryKey: [...threadKeys.all, 'queue'] });
    }, QUEUE_REFRESH_DELAY_MS);
  };
  const nowIso = () => new Date().toISOString();

  const stopActivity = engine.onActivity((activity) => {
    if (activity.kind !== 'event' || !MOVES.has(activity.event.event_type)) return;
    const { threadId, event } = activity;
    for (const [key, data] of queryClient.getQueriesData<ThreadPages>({ queryKey: threadKeys.all })) {
      if (!data?.pages) continue;
      const result = patchThread(data, threadId, (thread) => applyOwnershipEvent(thread, event, nowIso));
      if (result.found) queryClient.setQueryData(key, result.data);
    }
    queryClient.setQueryData<InboundThread>(['thread', threadId], (thread) =>
      thread ? applyOwnershipEvent(thread, event, nowIso) : thread,
    );
    refresh();
  });

  let wasOpen = engine.getConnectionState().status === 'open';
  const stopConnection = engine.subscribe(() => {
    const open = engine.getConnectionState().status === 'open';
    if (open && !wasOpen) refresh();
    wasOpen = open;
  });

  return () => {
    stopActivity();
    stopConnection();
    clearTimeout(timer);
  };
}

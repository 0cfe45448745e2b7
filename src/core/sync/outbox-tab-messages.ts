import * as v from 'valibot';
import { isOutboxItemWithFiles } from './outbox-file-check.ts';
import type { OutboxItem } from './outbox-item.ts';

/** What a follower tab asks the leader to do to an item (the leader decides: it knows what is in flight). */
export type OutboxRequest =
  | { action: 'retry'; clientMessageId: string }
  | { action: 'discard'; clientMessageId: string }
  /** The requester picks the replacement's id, so a request repeated to a new leader replaces the item once. */
  | { action: 'edit'; clientMessageId: string; content: string; newClientMessageId: string; withoutFiles?: boolean };

/**
 * The messages of one outbox shared by the tabs of a browser profile and user
 * (topic `outbox` of the tab hub). Items are stored in IndexedDB before they are announced.
 */
export type OutboxTabMessage =
  /** Any tab: a new item, already stored. */
  | { type: 'added'; item: OutboxItem }
  /** The leader: an item's new state (sending, sent, failed, waiting to retry). */
  | { type: 'item'; item: OutboxItem }
  /** Any tab: the item is gone (confirmed, discarded or replaced by an edit). */
  | { type: 'removed'; clientMessageId: string }
  /** A follower: please apply this; answered with `handled`. */
  | { type: 'request'; requestId: string; request: OutboxRequest }
  /** The leader: the request with this id was applied or refused. */
  | { type: 'handled'; requestId: string }
  /** A new leader has taken over: followers repeat the requests nobody has handled yet. */
  | { type: 'leader' };

const id = v.string();
const itemSchema = v.custom<OutboxItem>(isOutboxItemWithFiles, 'not an outbox item');
const requestSchema = v.variant('action', [
  v.object({ action: v.picklist(['retry', 'discard']), clientMessageId: id }),
  v.object({
    action: v.literal('edit'),
    clientMessageId: id,
    content: v.string(),
    newClientMessageId: id,
    withoutFiles: v.optional(v.boolean()),
  }),
]);

/** A message of the shared outbox from another tab (it may run another build): the `outbox` topic's schema. */
export const outboxTabMessageSchema: v.GenericSchema<unknown, OutboxTabMessage> = v.variant('type', [
  v.object({ type: v.picklist(['added', 'item']), item: itemSchema }),
  v.object({ type: v.literal('removed'), clientMessageId: id }),
  v.object({ type: v.literal('request'), requestId: id, request: requestSchema }),
  v.object({ type: v.literal('handled'), requestId: id }),
  v.object({ type: v.literal('leader') }),
]);

/** Checks a message from another tab; null when it is not one of ours. */
export function parseOutboxTabMessage(value: unknown): OutboxTabMessage | null {
  const result = v.safeParse(outboxTabMessageSchema, value);
  return result.success ? result.output : null;
}

import { isOutboxItem } from './outbox-store.ts';
import type { OutboxItem } from './outbox-item.ts';

/** What a follower tab asks the leader to do to an item (the leader decides: it knows what is in flight). */
export type OutboxRequest =
  | { action: 'retry'; clientMessageId: string }
  | { action: 'discard'; clientMessageId: string }
  /** The requester picks the replacement's id, so a request repeated to a new leader replaces the item once. */
  | { action: 'edit'; clientMessageId: string; content: string; newClientMessageId: string };

/**
 * The messages of one outbox shared by the tabs of a browser profile and user
 * (channel `ama2:outbox:<userId>`). Items are stored in IndexedDB before they are announced.
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

const isString = (value: unknown): value is string => typeof value === 'string';

function parseRequest(value: unknown): OutboxRequest | null {
  if (typeof value !== 'object' || value === null) return null;
  const request = value as Record<string, unknown>;
  if (!isString(request.clientMessageId)) return null;
  const clientMessageId = request.clientMessageId;
  switch (request.action) {
    case 'retry':
    case 'discard':
      return { action: request.action, clientMessageId };
    case 'edit':
      return isString(request.content) && isString(request.newClientMessageId)
        ? { action: 'edit', clientMessageId, content: request.content, newClientMessageId: request.newClientMessageId }
        : null;
    default:
      return null;
  }
}

/** Checks a message from another tab (it may run another build); null when it is not one of ours. */
export function parseOutboxTabMessage(value: unknown): OutboxTabMessage | null {
  if (typeof value !== 'object' || value === null) return null;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'added':
    case 'item':
      return isOutboxItem(message.item) ? { type: message.type, item: message.item } : null;
    case 'removed':
      return isString(message.clientMessageId) ? { type: 'removed', clientMessageId: message.clientMessageId } : null;
    case 'request': {
      const request = parseRequest(message.request);
      return request && isString(message.requestId) ? { type: 'request', requestId: message.requestId, request } : null;
    }
    case 'handled':
      return isString(message.requestId) ? { type: 'handled', requestId: message.requestId } : null;
    case 'leader':
      return { type: 'leader' };
    default:
      return null;
  }
}

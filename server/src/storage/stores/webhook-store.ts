import type { NewWebhook, WebhookRecord } from '../storage.ts';
import type { AuditEntry } from './privacy-store.ts';

/** Webhook subscriptions of threads, with each one's delivery cursor and lease (`storage.webhooks`). */
export interface WebhookStore {
  create(input: NewWebhook, audit?: (webhookId: string) => AuditEntry): Promise<WebhookRecord>;
  get(id: string): Promise<WebhookRecord | undefined>;
  delete(threadId: string, id: string, audit?: AuditEntry): Promise<boolean>;
  listActive(threadId: string): Promise<WebhookRecord[]>;
  /**
   * Every subscription of the thread, on or off, oldest first. One whose creator may no
   * longer have it (see `WebhookInactiveReason`) reads as off with that reason at once,
   * even before a delivery has turned it off in storage.
   */
  list(threadId: string): Promise<WebhookRecord[]>;
  /** Turns the subscription off for good (`delivery_failed`) and frees its lease. */
  deactivate(id: string): Promise<void>;
  /**
   * Takes the delivery lease of an active subscription for `leaseMs` when it is free,
   * expired or already `owner`'s, in one atomic step: at most one owner at a time. Returns
   * the subscription (with its cursor) when taken, undefined otherwise. When its creator may
   * no longer have it (disabled, password changed since, no longer sees the thread), the same
   * step turns it off for good instead and returns it with `active: false` and the reason.
   */
  claim(id: string, owner: string, leaseMs: number): Promise<WebhookRecord | undefined>;
  /**
   * Extends `owner`'s lease by `leaseMs` from now; false when it is no longer theirs, the
   * subscription is gone or off, or its creator may no longer have it (then it is turned off).
   */
  renew(id: string, owner: string, leaseMs: number): Promise<boolean>;
  /**
   * Moves the cursor forward to `seq` (delivered) and renews the lease, only while `owner`
   * holds it; false when the lease is lost, the cursor is already at or past `seq`, or the
   * creator may no longer have the subscription (then it is turned off instead).
   */
  advance(id: string, owner: string, seq: number, leaseMs: number): Promise<boolean>;
  /** Frees `owner`'s lease (nothing happens when someone else holds it). */
  release(id: string, owner: string): Promise<void>;
  /** Active subscriptions whose thread has events past their cursor and whose lease is free or expired (at most `limit`). */
  due(limit: number): Promise<string[]>;
}

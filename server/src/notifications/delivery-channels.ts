import type { Notification, NotificationLanguage } from '../../../src/core/protocol/notifications.ts';

/**
 * A notification as the delivery side sees it: the wire object plus who it is for and,
 * for `approval_pending`, which approval (a push offers Approve / Reject for it).
 */
export interface DeliverableNotification {
  userId: string;
  notification: Notification;
  /** For `approval_pending`: the approval and when it expires (an action token expires with it). */
  approval?: { id: string; expiresAt: string };
}

/** What became of one try: `retry` keeps the delivery queued (with backoff); the others end it. */
export type DeliveryOutcome = 'sent' | 'nothing_to_send' | 'retry';

/**
 * Web push to every push subscription of one user (CONTRACT §12). It mints the approval's
 * action token, encrypts the payload per subscription, sends `Topic` and `TTL`, and removes
 * subscriptions whose push service answers 404/410. `nothing_to_send` when the user has none.
 */
export interface PushChannel {
  deliver(item: DeliverableNotification): Promise<DeliveryOutcome>;
}

/**
 * One email to one user carrying every notification that waited for them (a digest of one or
 * more), in their language, with RFC 8058 one-click unsubscribe for each kind it contains.
 */
export interface EmailChannel {
  deliver(
    user: { id: string; name: string; email: string; language: NotificationLanguage },
    items: DeliverableNotification[],
  ): Promise<DeliveryOutcome>;
}

import type { NotificationKind } from '../../../../src/core/protocol/notifications.ts';

/**
 * Kinds of notification a user turned email off for with a one-click unsubscribe link
 * (RFC 8058), until the notification settings take them over (`storage.emailOptOuts`).
 */
export interface EmailOptOutStore {
  /** Turns `kind`'s email off for the user; doing it again changes nothing. */
  turnOff(userId: string, kind: NotificationKind, at: string): Promise<void>;
  /** The kinds whose email the user turned off. */
  kindsOf(userId: string): Promise<NotificationKind[]>;
}

import { createHash } from 'node:crypto';

/** RFC 8030 §5.4: a Topic is at most 32 characters of the base64url alphabet. */
const MAX_TOPIC_LENGTH = 32;
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The push `Topic` of a notification (CONTRACT §12): a newer message with the same topic
 * replaces one the push service still holds, so a repeated delivery collapses. A UUID id
 * without its hyphens is exactly 32 characters; any other id is hashed down to 32.
 */
export function pushTopic(notificationId: string): string {
  const compact = notificationId.replace(/-/g, '');
  if (TOPIC.test(compact)) return compact;
  return createHash('sha256').update(notificationId).digest('base64url').slice(0, MAX_TOPIC_LENGTH);
}

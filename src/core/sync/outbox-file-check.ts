/**
 * The check of an outbox item's stored files (CONTRACT §13): a chunk of its own for the widget,
 * loaded only when a stored item has files (most never do; e2e/widget-size.spec.ts), and part
 * of the check of an item another tab announces (outbox-tab-messages.ts).
 */
import type { OutboxFile, OutboxItem } from './outbox-item.ts';
import { isOutboxItem } from './outbox-store.ts';

/** A stored file; its Blob by its shape: one cloned from another realm (a test DOM's) is not an `instanceof` this one's. */
function isOutboxFile(value: unknown): boolean {
  const file = (value ?? {}) as Partial<OutboxFile>;
  return (
    typeof file.key === 'string' &&
    typeof file.name === 'string' &&
    typeof file.type === 'string' &&
    typeof file.size === 'number' &&
    typeof file.blob?.slice === 'function' &&
    typeof file.blob.size === 'number' &&
    (file.attachmentId === null || typeof file.attachmentId === 'string')
  );
}

/** An outbox item, its files (if any) checked too. */
export function isOutboxItemWithFiles(value: unknown): value is OutboxItem {
  return isOutboxItem(value) && (value.files ?? []).every(isOutboxFile);
}

import type { AttachmentSummary } from '../../../src/core/protocol/model.ts';

/** Marks the files of a message in plain-text places (notifications, emails): the same in every language. */
const FILES_MARK = '📎';

/**
 * A message as plain words for a notification or an email: its text, and the names of the
 * files it carries (CONTRACT §13: a message with files may have no text at all, and must
 * still say something), the names after the text on their own line (or after `separator`).
 * Never a file's bytes or address.
 */
export function messageWithFiles(text: string, attachments: unknown, separator = '\n'): string {
  const names = Array.isArray(attachments)
    ? (attachments as Partial<AttachmentSummary>[])
        .map((file) => file?.name)
        .filter((name): name is string => typeof name === 'string' && name !== '')
    : [];
  if (names.length === 0) return text;
  const files = `${FILES_MARK} ${names.join(', ')}`;
  return text.trim() === '' ? files : `${text}${separator}${files}`;
}

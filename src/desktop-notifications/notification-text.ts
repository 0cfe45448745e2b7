import { markdownToPlainText } from '../markdown-core/markdown-plain-text.ts';

/** A notification's body is cut at this many characters (the ellipsis included): the OS shows about two lines. */
export const NOTIFICATION_BODY_MAX_CHARS = 140;

const ELLIPSIS = '…';

/** Cuts `text` to at most `max` characters, ending in an ellipsis when cut (never splitting a surrogate pair). */
export function truncate(text: string, max: number): string {
  const characters = Array.from(text);
  if (characters.length <= max) return text;
  return (
    characters
      .slice(0, max - 1)
      .join('')
      .trimEnd() + ELLIPSIS
  );
}

/** The body of a message's desktop notification: plain text, cut at {@link NOTIFICATION_BODY_MAX_CHARS}. */
export function notificationBody(content: string): string {
  return truncate(markdownToPlainText(content), NOTIFICATION_BODY_MAX_CHARS);
}

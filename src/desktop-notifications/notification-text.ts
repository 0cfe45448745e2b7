import { parseMarkdown } from '../markdown-core/parse-markdown.ts';
import type { MdBlock, MdInline } from '../markdown-core/markdown-tree.ts';

/** A notification's body is cut at this many characters (the ellipsis included): the OS shows about two lines. */
export const NOTIFICATION_BODY_MAX_CHARS = 140;

const ELLIPSIS = '…';

function inlineText(nodes: readonly MdInline[]): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
        case 'code':
          return node.text;
        case 'emphasis':
        case 'strong':
        case 'delete':
        case 'link':
          return inlineText(node.children);
        case 'image':
          return node.alt;
        case 'break':
          return ' ';
      }
    })
    .join('');
}

function blockText(block: MdBlock): string {
  switch (block.type) {
    case 'paragraph':
    case 'plain':
    case 'heading':
      return inlineText(block.children);
    case 'code':
    case 'literal':
      return block.text;
    case 'quote':
      return block.children.map(blockText).join(' ');
    case 'list':
      return block.items.map((item) => item.children.map(blockText).join(' ')).join(' ');
    case 'table':
      return [block.header, ...block.rows].map((row) => row.map(inlineText).join(' ')).join(' ');
    case 'rule':
      return '';
  }
}

/** A message's words without markdown marks, on one line (what a screen would read, not its markup). */
export function markdownToPlainText(content: string): string {
  return parseMarkdown(content).map(blockText).join(' ').replace(/\s+/g, ' ').trim();
}

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

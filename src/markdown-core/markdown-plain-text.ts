import { plainText } from './inline-nodes.ts';
import type { MdBlock } from './markdown-tree.ts';
import { parseMarkdown } from './parse-markdown.ts';

function blockText(block: MdBlock): string {
  switch (block.type) {
    case 'paragraph':
    case 'plain':
    case 'heading':
      return plainText(block.children);
    case 'code':
    case 'literal':
      return block.text;
    case 'quote':
      return block.children.map(blockText).join(' ');
    case 'list':
      return block.items.map((item) => item.children.map(blockText).join(' ')).join(' ');
    case 'table':
      return [block.header, ...block.rows].map((row) => row.map(plainText).join(' ')).join(' ');
    case 'rule':
      return '';
  }
}

/**
 * A message's words without markdown marks, on one line: what a screen would read, not its
 * markup (`**due**` is `due`, a link is its words, list markers and fences are gone). For
 * text that quotes a message: a desktop notification's body, a search result's snippet.
 */
export function markdownToPlainText(content: string): string {
  return parseMarkdown(content).map(blockText).join(' ').replace(/\s+/g, ' ').trim();
}

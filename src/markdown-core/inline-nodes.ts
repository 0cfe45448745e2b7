/**
 * The inline parser's working nodes (doubly linked, so wrapping a run of them in emphasis
 * or a link is O(1)) and their conversion to our tree (`markdown-tree.ts`), bounded in depth.
 */
import type { MdInline } from './markdown-tree.ts';

/** Deeper nesting (a quote in a list in a quote…, emphasis in a link in…) is flattened to its source text. */
export const MAX_NESTING_DEPTH = 16;

export type NodeType = 'text' | 'code' | 'break' | 'emphasis' | 'strong' | 'delete' | 'link' | 'image';

/** A parsed inline: `text` is the words of text and code, the target of a link or image. */
export interface Node {
  type: NodeType;
  text: string;
  /** Its source is `source.slice(start, end)`. */
  start: number;
  end: number;
  /** Words as written (no escape, reference or delimiter), so an e-mail address may end in them. */
  literal: boolean;
  title: string | null;
  prev: Node | null;
  next: Node | null;
  first: Node | null;
  last: Node | null;
}

export function newNode(type: NodeType, text: string, start: number, end = start, literal = false): Node {
  return { type, text, start, end, literal, title: null, prev: null, next: null, first: null, last: null };
}

/** Our tree for the nodes from `first` on; `depth` is their nesting (past the limit: source text). */
export function toTree(first: Node | null, source: string, depth: number, inLink: boolean): MdInline[] {
  const out: MdInline[] = [];
  for (let node = first; node; node = node.next) {
    switch (node.type) {
      case 'text':
        if (node.text) pushInline(out, { type: 'text', text: node.text });
        break;
      case 'code':
        out.push({ type: 'code', text: node.text });
        break;
      case 'break':
        out.push({ type: 'break' });
        break;
      default:
        if (depth > MAX_NESTING_DEPTH) pushInline(out, { type: 'text', text: source.slice(node.start, node.end) });
        else if (node.type === 'image') {
          const alt = plainText(toTree(node.first, source, depth + 1, true));
          out.push({ type: 'image', src: node.text, title: node.title, alt });
        } else if (node.type === 'link') {
          const children = toTree(node.first, source, depth + 1, true);
          // No link holds another: an autolink or bare URL inside a link's words stays words.
          if (inLink) for (const child of children) pushInline(out, child);
          else out.push({ type: 'link', href: node.text, title: node.title, children });
        } else {
          out.push({ type: node.type, children: toTree(node.first, source, depth + 1, inLink) });
        }
    }
  }
  return out;
}

/** Appends `node`; adjacent words become one text node, as a browser would show them. */
function pushInline(out: MdInline[], node: MdInline): void {
  const last = out[out.length - 1];
  if (node.type === 'text' && last?.type === 'text') last.text += node.text;
  else out.push(node);
}

/** The words of inline nodes (an image's alt text is its label's words, without formatting). */
export function plainText(nodes: readonly MdInline[]): string {
  let text = '';
  for (const node of nodes) {
    if (node.type === 'text' || node.type === 'code') text += node.text;
    else if (node.type === 'image') text += node.alt;
    else if (node.type === 'break') text += '\n';
    else text += plainText(node.children);
  }
  return text;
}

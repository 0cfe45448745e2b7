/**
 * The typed tree a message's markdown parses to: our own node types, so the renderer does
 * not depend on the parser, and the same tree renders in the inbox (React) and the widget
 * (preact). Text is plain text (character references decoded); link and image
 * targets are the author's words, unchecked: the renderer decides what may become a link.
 */

/** A run of text inside a paragraph, heading, table cell or link. */
export type MdInline =
  | { type: 'text'; text: string }
  | { type: 'emphasis' | 'strong' | 'delete'; children: MdInline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; href: string; title: string | null; children: MdInline[] }
  | { type: 'image'; src: string; title: string | null; alt: string }
  | { type: 'break' };

/** A list item; `checked` is set for GFM task items (`- [x]`), `null` otherwise. */
export interface MdListItem {
  checked: boolean | null;
  children: MdBlock[];
}

/** Column alignment of a GFM table. */
export type MdAlign = 'left' | 'center' | 'right' | null;

/** A block of a message. */
export type MdBlock =
  | { type: 'paragraph'; children: MdInline[] }
  /** A tight list item's text: a paragraph rendered without its `<p>`. */
  | { type: 'plain'; children: MdInline[] }
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: MdInline[] }
  | { type: 'code'; language: string | null; text: string }
  | { type: 'quote'; children: MdBlock[] }
  | { type: 'list'; ordered: boolean; start: number; items: MdListItem[] }
  | { type: 'table'; align: MdAlign[]; header: MdInline[][]; rows: MdInline[][][] }
  | { type: 'rule' }
  /** Words shown as written: raw HTML, nesting past the depth limit, unparsed input. */
  | { type: 'literal'; text: string };

/**
 * Markdown from message content to React elements, through an allowlist.
 *
 * markdown-to-jsx only parses here; every element is created below, so nothing a message
 * writes can choose a tag, an attribute or a style. Raw HTML is never parsed into
 * elements, unknown nodes fall back to their text, and links pass `safeHref`.
 *
 * Only `createElement` and `Fragment` with plain props are used (no hooks, no JSX
 * runtime), so the widget can alias `react` to `preact/compat`.
 */
import { parser, RuleType } from 'markdown-to-jsx';
import type { MarkdownToJSX } from 'markdown-to-jsx';
import { createElement, Fragment } from 'react';
import type { ReactNode } from 'react';
import { safeHref } from './safe-url.ts';

type AstNode = MarkdownToJSX.ASTNode;

/**
 * Longer input is shown as plain text: parsing time grows with length, and a message
 * that long is a paste (a log, a dump) more often than prose.
 */
export const MAX_MARKDOWN_CHARS = 20_000;

/** Deeper nesting (a quote in a list in a quote…) is flattened to text, bounding DOM depth. */
export const MAX_RENDER_DEPTH = 16;

/** A code block's language label is the author's words; keep it a label, not a paragraph. */
const MAX_LANGUAGE_LABEL_CHARS = 24;

const PARSER_OPTIONS = { disableParsingRawHTML: true, disableFrontmatter: true } as const;

/** The inline formatting kept, by the tag the parser names; any other tag keeps only its children. */
const FORMAT_TAGS: Readonly<Record<string, string>> = {
  em: 'em',
  strong: 'strong',
  del: 'del',
  s: 's',
  code: 'code',
  mark: 'mark',
};

const FORMAT_CLASSES: Readonly<Record<string, string>> = {
  code: 'rounded bg-black/10 px-1 font-mono text-[0.9em] dark:bg-white/15',
  mark: 'rounded-sm bg-yellow-200 px-0.5 text-slate-900',
};

/** Alignment as classes: the widget's CSP forbids style attributes. */
const ALIGN_CLASSES = { left: 'text-left', right: 'text-right', center: 'text-center' } as const;

/** A message's `#` is a heading inside the message, so it starts below the app's own h1/h2. */
const HEADING_LEVEL_OFFSET = 2;
const HEADING_CLASSES: Readonly<Record<number, string>> = {
  1: 'text-lg font-semibold',
  2: 'text-base font-semibold',
};
const SMALL_HEADING_CLASS = 'text-sm font-semibold';

const LINK_CLASS = 'underline decoration-current underline-offset-2 hover:decoration-2';

interface RenderContext {
  /** Footnote definitions (`[^1]: …`) of this message, label → text. */
  footnotes: [string, string][];
  footnotesShown: boolean;
  /** Inside a link: an image there becomes its label, as links cannot nest. */
  inLink: boolean;
}

/** Renders `text` as safe markdown: React nodes with no raw HTML, no styles and only safe links. */
export function renderMarkdown(text: string): ReactNode {
  if (text.length > MAX_MARKDOWN_CHARS) return plainText(text);
  let ast: AstNode[];
  try {
    ast = parser(text, PARSER_OPTIONS);
  } catch {
    // A parser bug must not hide the message: show what was written.
    return plainText(text);
  }
  const context: RenderContext = { footnotes: collectFootnotes(ast), footnotesShown: false, inLink: false };
  return createElement(Fragment, null, renderNodes(ast, 0, context));
}

function plainText(text: string): ReactNode {
  return createElement('p', { className: 'whitespace-pre-wrap' }, text);
}

function collectFootnotes(ast: readonly AstNode[]): [string, string][] {
  const footnotes: [string, string][] = [];
  for (const node of ast) {
    if (node.type !== RuleType.refCollection) continue;
    for (const [label, ref] of Object.entries(node.refs)) {
      if (label.startsWith('^')) footnotes.push([label.slice(1), ref.target]);
    }
  }
  return footnotes;
}

function renderNodes(nodes: readonly AstNode[], depth: number, context: RenderContext): ReactNode[] {
  return nodes.map((node, index) => renderNode(node, index, depth, context));
}

function renderNode(node: AstNode, key: number, depth: number, context: RenderContext): ReactNode {
  if (depth > MAX_RENDER_DEPTH) return textOf(node);
  const inner = (children: readonly AstNode[]) => renderNodes(children, depth + 1, context);

  switch (node.type) {
    case RuleType.text:
      return node.text;

    case RuleType.paragraph:
      return createElement('p', { key }, inner(node.children));

    case RuleType.textFormatted: {
      const tag = Object.hasOwn(FORMAT_TAGS, node.tag) ? FORMAT_TAGS[node.tag] : undefined;
      if (!tag) return createElement(Fragment, { key }, inner(node.children));
      return createElement(tag, { key, className: FORMAT_CLASSES[tag] }, inner(node.children));
    }

    case RuleType.codeInline:
      return createElement('code', { key, className: FORMAT_CLASSES.code }, node.text);

    case RuleType.heading: {
      const level = Math.min(6, Math.max(1, node.level) + HEADING_LEVEL_OFFSET);
      // No `id`: a message must not be able to name elements of the page (DOM clobbering).
      return createElement(`h${level}`, { key, className: HEADING_CLASSES[node.level] ?? SMALL_HEADING_CLASS }, inner(node.children));
    }

    case RuleType.codeBlock:
      return renderCodeBlock(node, key);

    case RuleType.blockQuote:
      return createElement(
        'blockquote',
        { key, className: 'space-y-2 border-l-4 border-current/30 pl-3' },
        node.alert ? createElement('p', { className: 'font-semibold' }, alertLabel(node.alert)) : null,
        inner(node.children),
      );

    case RuleType.orderedList:
      return createElement(
        'ol',
        { key, className: 'list-decimal space-y-1 pl-6', start: node.start !== undefined && node.start !== 1 ? node.start : undefined },
        node.items.map((item, index) => createElement('li', { key: index }, inner(item))),
      );

    case RuleType.unorderedList:
      return createElement(
        'ul',
        { key, className: 'list-disc space-y-1 pl-6' },
        node.items.map((item, index) => createElement('li', { key: index }, inner(item))),
      );

    case RuleType.gfmTask:
      return createElement(
        'span',
        { key, role: 'img', 'aria-label': node.completed ? 'Done' : 'Not done' },
        node.completed ? '☑' : '☐',
      );

    case RuleType.table:
      return renderTable(node, key, inner);

    case RuleType.breakLine:
      return createElement('br', { key });

    case RuleType.breakThematic:
      return createElement('hr', { key, className: 'border-current/30' });

    case RuleType.link: {
      const href = safeHref(node.target);
      // An unsafe or relative target keeps its words and loses the link.
      if (!href || context.inLink) return createElement(Fragment, { key }, inner(node.children));
      context.inLink = true;
      const children = inner(node.children);
      context.inLink = false;
      return createElement(
        'a',
        { key, href, title: node.title, target: '_blank', rel: 'noopener noreferrer', className: LINK_CLASS },
        children,
      );
    }

    case RuleType.image: {
      // Never load a remote image (tracking pixels): link to it, or say what it showed.
      const label = node.alt ? `Image: ${node.alt}` : 'Image';
      const href = safeHref(node.target);
      if (!href || context.inLink) return node.alt || context.inLink ? label : null;
      return createElement(
        'a',
        { key, href, title: node.title, target: '_blank', rel: 'noopener noreferrer', className: LINK_CLASS },
        label,
      );
    }

    case RuleType.footnoteReference:
      return createElement('sup', { key }, `[${node.text}]`);

    case RuleType.footnote:
      // The parser leaves one placeholder per definition; show them all once, as text.
      if (context.footnotesShown || context.footnotes.length === 0) return null;
      context.footnotesShown = true;
      return createElement(
        'ol',
        { key, className: 'space-y-0.5 border-t border-current/30 pt-1 text-sm', 'aria-label': 'Footnotes' },
        context.footnotes.map(([label, text]) => createElement('li', { key: label }, `[${label}] ${text}`)),
      );

    case RuleType.ref:
    case RuleType.refCollection:
      return null;

    case RuleType.htmlBlock:
    case RuleType.htmlSelfClosing:
      // Raw HTML (not produced with raw parsing off, but never trusted): its source, as text.
      return node._rawOuter ?? textOf(node);

    case RuleType.htmlComment:
      return `<!--${node.text}-->`;

    default:
      return textOf(node);
  }
}

function renderCodeBlock(node: MarkdownToJSX.CodeBlockNode, key: number): ReactNode {
  const language = node.lang?.slice(0, MAX_LANGUAGE_LABEL_CHARS) || 'code';
  return createElement(
    'figure',
    {
      key,
      className:
        'overflow-hidden rounded-md border border-slate-300 bg-slate-50 text-slate-900 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100',
    },
    createElement(
      'figcaption',
      { className: 'border-b border-slate-300 px-3 py-1 font-mono text-xs text-slate-600 dark:border-slate-600 dark:text-slate-300' },
      language,
    ),
    // Focusable so a keyboard can scroll long lines sideways.
    createElement(
      'pre',
      { tabIndex: 0, className: 'overflow-x-auto px-3 py-2 font-mono text-sm whitespace-pre' },
      createElement('code', null, node.text),
    ),
  );
}

function renderTable(node: MarkdownToJSX.TableNode, key: number, inner: (children: readonly AstNode[]) => ReactNode[]): ReactNode {
  const alignClass = (column: number): string | undefined => {
    const align = node.align[column];
    return align ? ALIGN_CLASSES[align] : undefined;
  };
  return createElement(
    'div',
    // Focusable so a keyboard can scroll a wide table sideways.
    { key, tabIndex: 0, className: 'overflow-x-auto' },
    createElement(
      'table',
      { className: 'border-collapse text-sm' },
      createElement(
        'thead',
        null,
        createElement(
          'tr',
          null,
          node.header.map((cell, column) =>
            createElement(
              'th',
              { key: column, scope: 'col', className: `border border-current/30 px-2 py-1 font-semibold ${alignClass(column) ?? 'text-left'}` },
              inner(cell),
            ),
          ),
        ),
      ),
      createElement(
        'tbody',
        null,
        node.cells.map((row, rowIndex) =>
          createElement(
            'tr',
            { key: rowIndex },
            row.map((cell, column) =>
              createElement('td', { key: column, className: `border border-current/30 px-2 py-1 ${alignClass(column) ?? ''}` }, inner(cell)),
            ),
          ),
        ),
      ),
    ),
  );
}

/** GitHub-style alerts (`> [!NOTE]`) as a word: "Note", "Warning"… */
function alertLabel(alert: string): string {
  const word = alert.toLowerCase();
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** What `textOf` still has to read: a node, a list of nodes (and words between them), or words. */
type TextWork = AstNode | string | readonly TextWork[];

/**
 * The words of a node and its descendants, for nodes rendered as plain text. Iterative: the
 * parser nests inline formatting thousands deep (`*****…x…*****`), and a recursive walk of
 * that overflowed the stack, so one message broke the whole thread view.
 */
function textOf(root: AstNode | readonly AstNode[]): string {
  const parts: string[] = [];
  // Last in, first read: a list is pushed back to front so its words come out in order.
  const stack: TextWork[] = [root];
  while (stack.length > 0) {
    const work = stack.pop()!;
    if (typeof work === 'string') {
      parts.push(work);
      continue;
    }
    if (Array.isArray(work)) {
      for (let index = work.length - 1; index >= 0; index--) stack.push((work as readonly TextWork[])[index]!);
      continue;
    }
    const record = work as unknown as Record<string, unknown>;
    if (typeof record.text === 'string') parts.push(record.text);
    else if (Array.isArray(record.children)) stack.push(record.children as AstNode[]);
    else if (Array.isArray(record.items)) stack.push(joined(record.items as AstNode[][], '\n'));
    else if (Array.isArray(record.header) && Array.isArray(record.cells)) {
      const rows = [record.header as AstNode[][], ...(record.cells as AstNode[][][])];
      stack.push(joined(rows.map((row) => joined(row, ' | ')), '\n'));
    } else if (typeof record.alt === 'string') parts.push(record.alt);
  }
  return parts.join('');
}

/** `items` with `separator` between them, as work for `textOf`. */
function joined(items: readonly TextWork[], separator: string): TextWork[] {
  return items.flatMap((item, index) => (index === 0 ? [item] : [separator, item]));
}

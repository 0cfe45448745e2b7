/**
 * The one allowlist renderer of message markdown, for the inbox (React) and the widget
 * (preact: its build aliases react → widget/panel/react-on-preact.ts, and this module uses only
 * the JSX runtime and `Fragment`, with plain props, no hooks).
 *
 * Every element is created here from our own tree (`src/markdown-core`), so nothing a
 * message writes can choose a tag, an attribute or a style. Raw HTML arrives as literal
 * text; links pass `safeHref` (http(s) and mailto only) and open in a new tab without an
 * opener; images never load (tracking pixels): they become links to the image.
 */
import { Fragment, type ReactNode } from 'react';
import { parseMarkdown } from '../markdown-core/parse-markdown.ts';
import type { MdBlock, MdInline, MdListItem } from '../markdown-core/markdown-tree.ts';
import type { MarkdownStyle } from './markdown-style.ts';
import { safeHref } from './safe-url.ts';

/** A message's `#` is a heading inside the message, so it starts below the app's own h1/h2. */
const HEADING_LEVEL_OFFSET = 2;

/** A code block's language label is the author's words; keep it a label, not a paragraph. */
const MAX_LANGUAGE_LABEL_CHARS = 24;

/** Renders untrusted `text` as safe markdown elements, styled by `style`. */
export function renderMarkdown(text: string, style: MarkdownStyle): ReactNode {
  return renderBlocks(parseMarkdown(text), style);
}

/** Renders a parsed tree (see `parseMarkdown`). The tree is bounded in depth, so recursion here is too. */
function renderBlocks(blocks: readonly MdBlock[], style: MarkdownStyle): ReactNode[] {
  return blocks.map((block, key) => renderBlock(block, key, style));
}

function renderBlock(block: MdBlock, key: number, style: MarkdownStyle): ReactNode {
  switch (block.type) {
    case 'paragraph':
      return <p key={key}>{renderInlines(block.children, style, false)}</p>;
    case 'plain':
      return renderInlines(block.children, style, false);
    case 'heading': {
      const Tag = `h${Math.min(6, block.level + HEADING_LEVEL_OFFSET)}` as 'h3';
      // No `id`: a message must not be able to name elements of the page (DOM clobbering).
      return (
        <Tag key={key} className={style.heading[block.level] ?? style.heading[6]}>
          {renderInlines(block.children, style, false)}
        </Tag>
      );
    }
    case 'code': {
      const language = block.language?.slice(0, MAX_LANGUAGE_LABEL_CHARS) || style.labels.code;
      return (
        <figure key={key} className={style.codeBlock}>
          <figcaption className={style.codeLabel}>{language}</figcaption>
          {/* Focusable and named, so a keyboard can scroll long lines sideways and a screen reader says what it is. */}
          <pre
            tabIndex={0}
            role="group"
            aria-label={block.language ? `${style.labels.code}: ${language}` : style.labels.code}
            className={style.pre}
          >
            <code>{block.text}</code>
          </pre>
        </figure>
      );
    }
    case 'quote':
      return (
        <blockquote key={key} className={style.quote}>
          {renderBlocks(block.children, style)}
        </blockquote>
      );
    case 'list': {
      const items = block.items.map((item, index) => renderItem(item, index, style));
      return block.ordered ? (
        <ol key={key} className={style.orderedList} start={block.start === 1 ? undefined : block.start}>
          {items}
        </ol>
      ) : (
        <ul key={key} className={style.unorderedList}>
          {items}
        </ul>
      );
    }
    case 'table':
      return renderTable(block, key, style);
    case 'rule':
      return <hr key={key} className={style.rule} />;
    case 'literal':
      return (
        <p key={key} className={style.literal}>
          {block.text}
        </p>
      );
  }
}

function renderItem(item: MdListItem, key: number, style: MarkdownStyle): ReactNode {
  if (item.checked === null) return <li key={key}>{renderBlocks(item.children, style)}</li>;
  const label = item.checked ? style.labels.done : style.labels.notDone;
  return (
    <li key={key} className={style.taskItem}>
      <span role="img" aria-label={label} className={style.taskBox}>
        {item.checked ? '☑' : '☐'}
      </span>{' '}
      {renderBlocks(item.children, style)}
    </li>
  );
}

function renderTable(block: Extract<MdBlock, { type: 'table' }>, key: number, style: MarkdownStyle): ReactNode {
  const alignClass = (column: number) => {
    const align = block.align[column];
    return align ? style.align[align] : style.align.left;
  };
  return (
    // Focusable and named, so a keyboard can scroll a wide table sideways (phones) and a screen reader says what it is.
    <div key={key} tabIndex={0} role="group" aria-label={style.labels.table} className={style.tableScroll}>
      <table className={style.table}>
        <thead>
          <tr>
            {block.header.map((cell, column) => (
              <th key={column} scope="col" className={`${style.headerCell} ${alignClass(column)}`}>
                {renderInlines(cell, style, false)}
              </th>
            ))}
          </tr>
        </thead>
        {block.rows.length > 0 ? (
          <tbody>
            {block.rows.map((row, rowIndex) => (
              <tr key={rowIndex}>
                {block.header.map((_, column) => (
                  <td key={column} className={`${style.cell} ${alignClass(column)}`}>
                    {renderInlines(row[column] ?? [], style, false)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        ) : null}
      </table>
    </div>
  );
}

/** `inLink`: links cannot nest, so inside one a link keeps only its words and an image its label. */
function renderInlines(nodes: readonly MdInline[], style: MarkdownStyle, inLink: boolean): ReactNode[] {
  return nodes.map((node, key) => renderInline(node, key, style, inLink));
}

function renderInline(node: MdInline, key: number, style: MarkdownStyle, inLink: boolean): ReactNode {
  switch (node.type) {
    case 'text':
      return node.text;
    case 'emphasis':
      return <em key={key}>{renderInlines(node.children, style, inLink)}</em>;
    case 'strong':
      return <strong key={key}>{renderInlines(node.children, style, inLink)}</strong>;
    case 'delete':
      return <del key={key}>{renderInlines(node.children, style, inLink)}</del>;
    case 'code':
      return (
        <code key={key} className={style.code}>
          {node.text}
        </code>
      );
    case 'break':
      return <br key={key} />;
    case 'link': {
      const href = safeHref(node.href);
      const children = renderInlines(node.children, style, true);
      // An unsafe or relative target keeps its words and loses the link.
      if (!href || inLink) return <Fragment key={key}>{children}</Fragment>;
      return (
        <a key={key} href={href} title={node.title ?? undefined} target="_blank" rel="noopener noreferrer" className={style.link}>
          {children}
        </a>
      );
    }
    case 'image': {
      // Never load a remote image (tracking pixels): link to it, or say what it showed.
      const label = node.alt ? `${style.labels.image}: ${node.alt}` : style.labels.image;
      const href = safeHref(node.src);
      if (!href || inLink) return node.alt || inLink ? label : null;
      return (
        <a key={key} href={href} title={node.title ?? undefined} target="_blank" rel="noopener noreferrer" className={style.link}>
          {label}
        </a>
      );
    }
  }
}

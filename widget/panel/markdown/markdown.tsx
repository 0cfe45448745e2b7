import { memo, type ReactNode } from 'react';
import type { Inline } from './parse-inline.ts';
import { parseMarkdown, type Block } from './parse-markdown.ts';

/** Longer messages are shown as plain text: a paste (a log, a dump) more often than prose. */
export const MAX_MARKDOWN_CHARS = 20_000;

const CODE_CLASS = 'rounded bg-black/[0.07] px-1 font-mono text-[0.9em]';
const LINK_CLASS = 'underline underline-offset-2 hover:decoration-2';

function renderInline(nodes: readonly Inline[]): ReactNode[] {
  return nodes.map((node, key) => {
    if (typeof node === 'string') return node;
    switch (node.t) {
      case 'strong':
        return <strong key={key}>{renderInline(node.c)}</strong>;
      case 'em':
        return <em key={key}>{renderInline(node.c)}</em>;
      case 'code':
        return (
          <code key={key} className={CODE_CLASS}>
            {node.text}
          </code>
        );
      case 'link':
        // Only http(s) and mailto targets get here (parse-inline's safeHref).
        return (
          <a key={key} href={node.href} target="_blank" rel="noopener noreferrer" className={LINK_CLASS}>
            {renderInline(node.c)}
          </a>
        );
      case 'br':
        return <br key={key} />;
    }
  });
}

function renderBlocks(blocks: readonly Block[]): ReactNode[] {
  return blocks.map((block, key) => {
    switch (block.t) {
      case 'p':
        return <p key={key}>{renderInline(block.c)}</p>;
      case 'heading':
        return (
          <p key={key}>
            <strong>{renderInline(block.c)}</strong>
          </p>
        );
      case 'code':
        // Focusable, so a keyboard can scroll a wide block sideways.
        return (
          <pre key={key} tabIndex={0} className="overflow-x-auto rounded-md bg-slate-900 p-2 text-xs leading-relaxed text-slate-100">
            <code className="font-mono">{block.text}</code>
          </pre>
        );
      case 'quote':
        return (
          <blockquote key={key} className="space-y-2 border-l-4 border-current/25 pl-3">
            {renderBlocks(block.c)}
          </blockquote>
        );
      case 'list': {
        const items = block.items.map((item, index) => (
          // A tight item's one paragraph renders without its <p>, as lists read in chat.
          <li key={index}>{item.length === 1 && item[0]!.t === 'p' ? renderInline(item[0]!.c) : renderBlocks(item)}</li>
        ));
        return block.ordered ? (
          <ol key={key} start={block.start === 1 ? undefined : block.start} className="list-decimal space-y-1 pl-5">
            {items}
          </ol>
        ) : (
          <ul key={key} className="list-disc space-y-1 pl-5">
            {items}
          </ul>
        );
      }
    }
  });
}

export interface MarkdownProps {
  /** Message content, untrusted. */
  text: string;
}

/**
 * A message's markdown, rendered safely: every element is created here from parsed data, so
 * a message can never choose a tag, an attribute or a style; links are http(s)/mailto only
 * and open in a new tab without an opener.
 */
export const Markdown = memo(function Markdown({ text }: MarkdownProps) {
  if (text.length > MAX_MARKDOWN_CHARS) return <p className="whitespace-pre-wrap wrap-break-word">{text}</p>;
  return <div className="space-y-2 wrap-break-word">{renderBlocks(parseMarkdown(text))}</div>;
});

import { memo } from 'react';
import { INBOX_MARKDOWN_STYLE } from './inbox-markdown-style.ts';
import { MARKDOWN_CLASS } from './markdown-classes.ts';
import { renderMarkdown } from './render-markdown.tsx';

export interface MarkdownProps {
  /** Message content, untrusted. */
  text: string;
}

/** A message's markdown, rendered safely (see `renderMarkdown`); re-parsed only when `text` changes. */
export const Markdown = memo(function Markdown({ text }: MarkdownProps) {
  return <div className={MARKDOWN_CLASS}>{renderMarkdown(text, INBOX_MARKDOWN_STYLE)}</div>;
});

import { memo, useMemo } from 'react';
import { useStrings } from '../i18n/locale-store.ts';
import { INBOX_MARKDOWN_STYLE } from './inbox-markdown-style.ts';
import { MARKDOWN_CLASS } from './markdown-classes.ts';
import { renderMarkdown } from './render-markdown.tsx';

export interface MarkdownProps {
  /** Message content, untrusted. */
  text: string;
}

/** A message's markdown, rendered safely (see `renderMarkdown`); re-parsed only when `text` changes. */
export const Markdown = memo(function Markdown({ text }: MarkdownProps) {
  const labels = useStrings().markdown;
  const style = useMemo(() => ({ ...INBOX_MARKDOWN_STYLE, labels }), [labels]);
  return <div className={MARKDOWN_CLASS}>{renderMarkdown(text, style)}</div>;
});

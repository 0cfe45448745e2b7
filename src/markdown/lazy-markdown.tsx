import { lazy, Suspense } from 'react';
import { MARKDOWN_CLASS } from './markdown-classes.ts';
import type { MarkdownProps } from './markdown.tsx';

// The parser is the largest dependency of a message; it loads on first use, in its own chunk.
const Markdown = lazy(() => import('./markdown.tsx').then((module) => ({ default: module.Markdown })));

/**
 * `Markdown` loaded on demand. Until it arrives the message shows as plain text in the
 * same box, so nothing is lost and little moves.
 */
export function LazyMarkdown({ text }: MarkdownProps) {
  return (
    <Suspense fallback={<PlainMarkdownFallback text={text} />}>
      <Markdown text={text} />
    </Suspense>
  );
}

function PlainMarkdownFallback({ text }: MarkdownProps) {
  return (
    <div className={MARKDOWN_CLASS}>
      <p className="whitespace-pre-wrap">{text}</p>
    </div>
  );
}

import { memo, useEffect, useMemo, useState } from 'react';
import type { MarkdownLabels, MarkdownStyle } from '../../../src/markdown/markdown-style.ts';
import type * as RendererModule from '../../../src/markdown/render-markdown.tsx';
import { WIDGET_MARKDOWN_CLASS, WIDGET_MARKDOWN_STYLE } from './markdown-style.ts';

/** The parse step and renderer shared with the inbox: a chunk of its own, so the panel stays small. */
type Renderer = typeof RendererModule;

let loaded: Renderer | null = null;
let loading: Promise<Renderer> | null = null;

/**
 * Loads the markdown renderer once (later calls share the load). A failed load (the network
 * went away) is forgotten, so the next message tries again; until then text shows plain.
 */
export function loadMarkdownRenderer(): Promise<Renderer> {
  loading ??= import('../../../src/markdown/render-markdown.tsx').then(
    (module) => (loaded = module),
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

// Start as soon as the panel loads: by the time the first reply arrives the renderer is here.
loadMarkdownRenderer().catch(() => {});

export interface MarkdownProps {
  /** Message content, untrusted; a streaming reply re-renders as it grows. */
  text: string;
  /** Words in the visitor's language (the panel's strings); English without. */
  labels?: MarkdownLabels;
}

/**
 * A message's markdown, rendered safely by the renderer the inbox uses (see
 * `src/markdown/render-markdown.tsx`). Until that has loaded the text shows as written,
 * in the same box, so nothing is lost.
 */
export const Markdown = memo(function Markdown({ text, labels }: MarkdownProps) {
  const [renderer, setRenderer] = useState<Renderer | null>(loaded);
  useEffect(() => {
    if (renderer) return;
    let live = true;
    loadMarkdownRenderer().then(
      (module) => live && setRenderer(module),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [renderer]);
  const style = useMemo<MarkdownStyle>(() => (labels ? { ...WIDGET_MARKDOWN_STYLE, labels } : WIDGET_MARKDOWN_STYLE), [labels]);
  const content = useMemo(
    () => (renderer ? renderer.renderMarkdown(text, style) : <p className="whitespace-pre-wrap">{text}</p>),
    [renderer, text, style],
  );
  return <div className={WIDGET_MARKDOWN_CLASS}>{content}</div>;
});

/**
 * Classes of the box a message's markdown renders in, shared with the lazy fallback so
 * the text does not jump when the renderer arrives. Newlines in a paragraph are kept,
 * as people type chat messages; long words and URLs wrap instead of widening the bubble.
 */
export const MARKDOWN_CLASS = 'space-y-2 whitespace-pre-line wrap-break-word';

/** A piece of a snippet: matched words or the text between them. */
export interface Segment {
  text: string;
  hit: boolean;
}

/**
 * Cuts a snippet's text at the answer's highlight offsets (`[start, end)`, CONTRACT §11),
 * never reading markup from the server: overlapping or touching ranges merge, ranges past
 * the text are clipped, empty ones are dropped. Joined back, the segments are the text.
 */
export function highlightSegments(text: string, highlights: readonly (readonly [number, number])[]): Segment[] {
  const ranges = highlights
    .map(([start, end]) => [Math.max(0, start), Math.min(text.length, end)] as const)
    .filter(([start, end]) => start < end)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of ranges) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  const segments: Segment[] = [];
  let at = 0;
  for (const [start, end] of merged) {
    if (start > at) segments.push({ text: text.slice(at, start), hit: false });
    segments.push({ text: text.slice(start, end), hit: true });
    at = end;
  }
  if (at < text.length) segments.push({ text: text.slice(at), hit: false });
  return segments;
}

/**
 * A message's Markdown as the words a reader sees, for search snippets: a result shows
 * "the refund is **due**" as "the refund is due", not its markup. Only unambiguous syntax is
 * removed (a `snake_case` word or a lone `*` stays); lines are joined with spaces, since a
 * snippet is one line.
 */
export function markdownToPlain(markdown: string): string {
  const lines = markdown.split(/\r?\n/).flatMap((line) => {
    // Code fences and thematic breaks carry no words.
    if (/^\s*(```|~~~)/.test(line) || /^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) return [];
    return [
      line
        .replace(/^\s{0,3}(>\s?)+/, '')
        .replace(/^\s{0,3}#{1,6}\s+/, '')
        .replace(/^\s*[-*+]\s+(\[[ xX]\]\s+)?/, ''),
    ];
  });
  return lines
    .join(' ')
    .replace(/!\[([^\]]*)\]\([^)\s]*(\s+"[^"]*")?\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)\s]*(\s+"[^"]*")?\)/g, '$1')
    .replace(/<((?:https?|mailto):[^>\s]+)>/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, '$1')
    .replace(/(?<![\p{L}\p{N}*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\p{L}\p{N}*])/gu, '$1')
    .replace(/(?<![\p{L}\p{N}_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\p{L}\p{N}_])/gu, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

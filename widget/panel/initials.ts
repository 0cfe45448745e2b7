/** Up to two letters for an avatar: "Demo Agent" → "DA", "ada" → "A". */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words;
  // Array.from splits by code point, so an emoji or astral letter stays whole.
  return (
    letters
      .map((word) => Array.from(word)[0] ?? '')
      .join('')
      .toUpperCase() || '?'
  );
}

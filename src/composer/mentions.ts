/** A person or agent that can be @-mentioned in a thread. */
export interface MentionCandidate {
  senderId: string;
  name: string;
}

/** The `@query` being typed just before the caret, if any. */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([^\s@]{0,40})$/.exec(before);
  if (!match) return null;
  return { start: caret - match[2]!.length - 1, query: match[2]! };
}

export function matchCandidates(candidates: readonly MentionCandidate[], query: string): MentionCandidate[] {
  const needle = query.toLowerCase();
  return candidates
    .filter(
      (candidate) =>
        candidate.name
          .toLowerCase()
          .split(/\s+/)
          .some((word) => word.startsWith(needle)) || candidate.name.toLowerCase().startsWith(needle),
    )
    .slice(0, 8);
}

/** The sender ids whose `@Name` is still in the text. */
export function mentionedIn(text: string, chosen: readonly MentionCandidate[]): string[] {
  return [...new Set(chosen.filter((candidate) => text.includes(`@${candidate.name}`)).map((candidate) => candidate.senderId))];
}

/**
 * Where a code span closes, in time linear in the text: a table of backtick runs by length,
 * built once per text, read with one cursor per length (code spans are found left to right).
 */
export class BacktickRuns {
  private runs: Map<number, number[]> | undefined;
  private readonly cursors = new Map<number, number>();

  constructor(private readonly source: string) {}

  /** The start of the first run of exactly `length` backticks at or after `from`, or -1. */
  closing(from: number, length: number): number {
    const runs = this.table().get(length);
    if (!runs) return -1;
    // Code spans are found left to right, so each length's cursor only moves on.
    let cursor = this.cursors.get(length) ?? 0;
    while (cursor < runs.length && runs[cursor]! < from) cursor++;
    this.cursors.set(length, cursor);
    return cursor < runs.length ? runs[cursor]! : -1;
  }

  private table(): Map<number, number[]> {
    if (this.runs) return this.runs;
    const source = this.source;
    this.runs = new Map();
    for (let index = 0; index < source.length;) {
      if (source[index] !== '`') {
        index++;
        continue;
      }
      const start = index;
      while (source[index] === '`') index++;
      const runs = this.runs.get(index - start) ?? [];
      runs.push(start);
      this.runs.set(index - start, runs);
    }
    return this.runs;
  }
}

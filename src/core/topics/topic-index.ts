import { ANY_ONE, type TopicPattern } from './topic-pattern.ts';

interface Node {
  /** Children by literal token. */
  readonly literal: Map<string, Node>;
  /** The child for `*`. */
  any: Node | null;
  /** Subscriptions whose pattern ends here (the subject ends here too). */
  readonly ends: Set<string>;
  /** Subscriptions whose pattern ends here with `>` (one or more tokens follow). */
  readonly rest: Set<string>;
}

const node = (): Node => ({ literal: new Map(), any: null, ends: new Set(), rest: new Set() });

/**
 * One socket's subscriptions (CONTRACT §15), as a tree of their tokens: matching a subject
 * walks at most two branches a token (its literal and `*`), so its cost grows with the
 * subscriptions that could match, not with all of them. Ids are the client's.
 */
export class TopicIndex {
  private readonly root = node();
  private readonly patterns = new Map<string, TopicPattern>();

  get size(): number {
    return this.patterns.size;
  }

  has(id: string): boolean {
    return this.patterns.has(id);
  }

  /** The subscriptions, in the order they were made. */
  entries(): IterableIterator<[string, TopicPattern]> {
    return this.patterns.entries();
  }

  /** Adds (or, for an id in use, replaces) a subscription. */
  add(id: string, pattern: TopicPattern): void {
    this.remove(id);
    this.patterns.set(id, pattern);
    let at = this.root;
    const literal = pattern.rest ? pattern.tokens.length - 1 : pattern.tokens.length;
    for (let index = 0; index < literal; index++) {
      const token = pattern.tokens[index]!;
      if (token === ANY_ONE) at = at.any ??= node();
      else {
        let next = at.literal.get(token);
        if (!next) at.literal.set(token, (next = node()));
        at = next;
      }
    }
    (pattern.rest ? at.rest : at.ends).add(id);
  }

  /** Removes a subscription; false when there was none by that id. */
  remove(id: string): boolean {
    const pattern = this.patterns.get(id);
    if (!pattern) return false;
    this.patterns.delete(id);
    const literal = pattern.rest ? pattern.tokens.length - 1 : pattern.tokens.length;
    const nodes = [this.root];
    for (let index = 0; index < literal; index++) {
      const at = nodes[index]!;
      const token = pattern.tokens[index]!;
      nodes.push(token === ANY_ONE ? at.any! : at.literal.get(token)!);
    }
    const leaf = nodes[literal]!;
    (pattern.rest ? leaf.rest : leaf.ends).delete(id);
    // Prune the branches left empty, from the leaf up.
    for (let index = literal; index > 0; index--) {
      const at = nodes[index]!;
      if (at.ends.size > 0 || at.rest.size > 0 || at.any || at.literal.size > 0) break;
      const parent = nodes[index - 1]!;
      const token = pattern.tokens[index - 1]!;
      if (token === ANY_ONE) parent.any = null;
      else parent.literal.delete(token);
    }
    return true;
  }

  /** The ids of the subscriptions a subject matches, each once, in no particular order. */
  match(subject: readonly string[]): string[] {
    const found = new Set<string>();
    const walk = (at: Node, index: number) => {
      if (index < subject.length) for (const id of at.rest) found.add(id);
      if (index === subject.length) {
        for (const id of at.ends) found.add(id);
        return;
      }
      const next = at.literal.get(subject[index]!);
      if (next) walk(next, index + 1);
      if (at.any) walk(at.any, index + 1);
    };
    walk(this.root, 0);
    return [...found];
  }
}

/**
 * The inline parser's list of nodes at the top level, where emphasis and links are made by
 * wrapping a stretch of it in a container: each change is O(1), whatever the stretch's length.
 */
import { newNode, type Node } from './inline-nodes.ts';

/** A doubly linked list of inline nodes under one root. */
export class InlineList {
  readonly root = newNode('text', '', 0);

  /** The last node, the one text is appended to. */
  get last(): Node | null {
    return this.root.last;
  }

  append(node: Node): Node {
    const root = this.root;
    node.prev = root.last;
    node.next = null;
    if (root.last) root.last.next = node;
    else root.first = node;
    root.last = node;
    return node;
  }

  unlink(node: Node): void {
    if (node.prev) node.prev.next = node.next;
    else this.root.first = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.root.last = node.prev;
  }

  /** Moves the nodes after `from` and before `to` (null: to the end) into `container`, which takes their place. */
  wrap(container: Node, from: Node, to: Node | null): void {
    const first = from.next;
    if (first && first !== to) {
      container.first = first;
      container.last = to ? to.prev : this.root.last;
      first.prev = null;
      container.last!.next = null;
    }
    from.next = container;
    container.prev = from;
    container.next = to;
    if (to) to.prev = container;
    else this.root.last = container;
  }
}

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MdBlock, MdInline } from '../../../src/markdown-core/markdown-tree.ts';
import { parseMarkdown } from '../../../src/markdown-core/parse-markdown.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { openVisitorSocket, startVisitor } from '../support/visitors.ts';

/** A generous deadline for the demo agent's reply (runs are instant in tests). */
const REPLY_TIMEOUT_MS = 10_000;

/** Every node of a parsed message, blocks and inlines, in document order. */
function nodesOf(blocks: readonly (MdBlock | MdInline)[]): (MdBlock | MdInline)[] {
  return blocks.flatMap((node) => [
    node,
    ...nodesOf('children' in node ? node.children : node.type === 'list' ? node.items.flatMap((item) => item.children) : []),
  ]);
}

/** The words a paragraph renders (its text nodes and the words inside formatting). */
function words(nodes: readonly MdInline[]): string {
  return nodes
    .map((node) => (node.type === 'text' || node.type === 'code' ? node.text : 'children' in node ? words(node.children) : ''))
    .join('');
}

describe("[ext] the demo agent quotes a visitor's words as words", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it.each([
    ['a markdown link', '[click](https://evil.example)'],
    ['a markdown image', '![x](https://evil.example/p.png)'],
    ['an autolink', '<https://evil.example>'],
    ['a bare URL, a www. address and an e-mail address', 'see https://evil.example or www.evil.example or eve@evil.example'],
    ['emphasis, code and raw HTML', '**bold** `code` <img src=x onerror=alert(1)>'],
  ])('%s comes back as the exact text, with no link or image', async (_, content) => {
    const name = '[Eve](https://evil.example) *';
    const visitor = await startVisitor(server, { name });
    const socket = openVisitorSocket(server, { threadId: visitor.thread_id, email: visitor.email, token: visitor.visitor_token });
    try {
      await socket.ready();
      socket.send({ type: 'send_message', data: { thread_id: visitor.thread_id, content, client_message_id: randomUUID() } });
      const reply = await socket.next(
        (frame) => frame.type === 'thread_message' && frame.thread_id === visitor.thread_id && frame.data.role === 'agent',
        REPLY_TIMEOUT_MS,
        "the demo agent's reply",
      );
      const blocks = parseMarkdown(reply.data.content);
      const nodes = nodesOf(blocks);
      expect(nodes.filter((node) => node.type === 'link' || node.type === 'image')).toEqual([]);
      expect(blocks).toHaveLength(1);
      expect(blocks[0]!.type).toBe('paragraph');
      const paragraph = blocks[0] as Extract<MdBlock, { type: 'paragraph' }>;
      expect(words(paragraph.children)).toContain(`Hi ${name}! You said: “${content}”. I'm the demo agent`);
      // Only the agent's own words are markup: its bold command names.
      expect(nodes.filter((node) => node.type === 'strong').map((node) => words((node as { children: MdInline[] }).children))).toEqual([
        '/tool',
        '/approve',
        '/fail',
        '/escalate',
        '/long',
      ]);
    } finally {
      await socket.close();
    }
  });
});

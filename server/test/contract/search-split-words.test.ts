import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachStorage } from '../support/each-storage.ts';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { startVisitor } from '../support/visitors.ts';

/** Random words tried per storage: each is one message and two searches (a few seconds on PostgreSQL). */
const PROPERTY_RUNS = 100;

/**
 * What the random words are made of: letters (accented, not Latin), digits, the punctuation of
 * emails and versions, and pieces that PostgreSQL's text-search parser reads as numbers in
 * scientific notation ("1e5a3b20" is the number 1e5, then the word a3b20).
 */
const WORD_PIECES = [
  'a',
  'b',
  'e',
  'E',
  'x',
  'Z',
  'kg',
  'é',
  'É',
  'ß',
  'π',
  '漢',
  '0',
  '1',
  '3',
  '5',
  '9',
  '1e5',
  '2e10',
  '.',
  '-',
  '_',
  '@',
];

/** The most pieces in a random word. */
const MAX_PIECES = 8;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** A word of {@link WORD_PIECES} with at least one letter or digit (a query without one is a 400). */
const randomWord = fc
  .array(fc.constantFrom(...WORD_PIECES), { minLength: 1, maxLength: MAX_PIECES })
  .map((pieces) => pieces.join(''))
  .filter((word) => LETTER_OR_DIGIT.test(word));

/** Words of the shapes a parser may split, and one that is a visitor's email in the flaky test's form. */
const SHAPED_WORDS = ['1e5a3b20', '2e10', '3.5kg', 'foo-bar', 'v1.2-beta', '0x1e5f', 'ops.team_1e5@acme-2e10x.example'];

interface Result {
  thread_id: string;
  thread_seq?: number;
  event_type: string;
}

function search(server: TestServer, token: string, params: Record<string, string | number>) {
  const query = new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, String(value)]));
  return api<{ results: Result[]; next_cursor: string | null }>(server, 'GET', `/chat/search?${query}`, { token });
}

describeEachStorage('Search finds words however a text-search parser would split them', (storageEnv) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(await storageEnv());
  });
  afterAll(async () => {
    await server?.close();
  });

  /** A thread of Ann's with Ben and one message in it. */
  async function threadWith(content: string): Promise<{ token: string; threadId: string; seq: number }> {
    const ann = await server.addUser('Ann');
    const ben = await server.addUser('Ben');
    const thread = await createThread(server, ann.token, { target_user_ids: [ben.user.id] });
    const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: ann.token, body: sendBody(content) });
    expect(sent.status).toBe(201);
    return { token: ben.token, threadId: thread.id, seq: sent.body.message.thread_seq };
  }

  /** The seqs a search within one thread finds, with the query beside them (so a failure names it). */
  async function found(token: string, threadId: string, q: string): Promise<[string, number, (number | undefined)[]]> {
    const answer = await search(server, token, { q, thread_id: threadId });
    return [q, answer.status, answer.body.results.map((result) => result.thread_seq)];
  }

  it('finds a message by a word of any shape, by its first half and inside a quoted phrase', async () => {
    for (const word of SHAPED_WORDS) {
      const { token, threadId, seq } = await threadWith(`Order ${word} shipped today`);
      const half = word.slice(0, Math.ceil(word.length / 2));
      for (const q of [word, word.toUpperCase(), half, `"order ${word} shipped"`, `${word} "shipped today"`]) {
        expect(await found(token, threadId, q)).toEqual([q, 200, [seq]]);
      }
      // Words are still whole words: one more letter finds nothing.
      expect(await found(token, threadId, `${word}q shipped`)).toEqual([`${word}q shipped`, 200, []]);
    }
  });

  it('finds a message by its other words when one word is a sign the PostgreSQL fold turns to a space (½)', async () => {
    const { token, threadId, seq } = await threadWith('Pizza ½ price on Fridays');
    for (const q of ['pizza ½', '½ price', '"pizza ½ price" fri']) {
      expect(await found(token, threadId, q)).toEqual([q, 200, [seq]]);
    }
  });

  it('finds a visitor’s thread by an email whose random part reads as a number (1e5a3b20)', async () => {
    const visitor = await startVisitor(server, { email: 'visitor-1e5a3b20@customer.example' });
    const alice = await server.login('alice@example.com');
    for (const q of [visitor.email, 'visitor-1e5a3b20', '1e5a3b2', 'visitor-1e5a']) {
      const answer = await search(server, alice.token, { q });
      expect([q, answer.status]).toEqual([q, 200]);
      expect([q, answer.body.results.map((result) => [result.event_type, result.thread_id])]).toEqual([q, [['thread', visitor.thread_id]]]);
    }
  });

  it('finds a message by any random word of letters, digits and .-_@ it contains, and by any prefix of it', async () => {
    const ann = await server.addUser('Ann');
    const ben = await server.addUser('Ben');
    const thread = await createThread(server, ann.token, { target_user_ids: [ben.user.id] });
    await fc.assert(
      fc.asyncProperty(randomWord, fc.nat(), async (word, cut) => {
        const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, {
          token: ann.token,
          body: sendBody(`Note ${word} end`),
        });
        expect(sent.status).toBe(201);
        // A prefix that keeps at least one letter or digit: the last word of a query matches as a prefix.
        const first = word.search(LETTER_OR_DIGIT);
        const prefix = word.slice(0, first + 1 + (cut % (word.length - first)));
        for (const q of [word, prefix]) {
          // Newest first: the message just sent is the first match in the thread.
          const answer = await search(server, ben.token, { q, thread_id: thread.id, limit: 1 });
          expect([q, answer.status, answer.body.results.map((result) => result.thread_seq)]).toEqual([
            q,
            200,
            [sent.body.message.thread_seq],
          ]);
        }
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePostgres, freshDatabase } from '../support/postgres.ts';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * PostgreSQL's search fold (migration 14) drops every combining mark after decomposing, as
 * the queries' fold does (search-query.ts, foldWord): a word is found with or without its
 * accents in any script that writes them as marks, not only the Latin letters migration 11
 * listed. (Lower case here is the database's, so the samples are lower case.)
 */
describePostgres('PostgreSQL search fold: accents of every script, as the queries fold them', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ DATABASE_URL: await freshDatabase() });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('finds Greek words with and without their tonos, and Latin ones as before', async () => {
    const ann = await server.addUser('Ann');
    const ben = await server.addUser('Ben');
    const thread = await createThread(server, ann.token, { target_user_ids: [ben.user.id] });
    const text = 'καλημέρα κόσμε, ǽsir: Crème brûlée';
    const sent = await api(server, 'POST', `/chat/threads/${thread.id}/messages`, { token: ann.token, body: sendBody(text) });
    expect(sent.status).toBe(201);
    for (const q of ['καλημερα', 'καλημέρα', 'κοσμε', 'æsir', 'creme brulee', 'CRÈME']) {
      const found = await api(server, 'GET', `/chat/search?${new URLSearchParams({ q })}`, { token: ben.token });
      expect([q, found.status]).toEqual([q, 200]);
      expect([q, found.body.results.map((result: { thread_seq: number }) => result.thread_seq)]).toEqual([
        q,
        [sent.body.message.thread_seq],
      ]);
    }
  });
});

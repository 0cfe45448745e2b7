import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createThread, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';

describe('the dense thread_seq log (CONTRACT §5)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('gives 4 users × 50 concurrent sends the seqs 1..200 exactly, no hole, no duplicate', async () => {
    const users = await Promise.all(['Ann', 'Ben', 'Cat', 'Dan'].map((name) => server.addUser(name)));
    const [owner, ...others] = users;
    const thread = await createThread(server, owner!.token, { target_user_ids: others.map((u) => u.user.id) });
    // Creation committed one participant_joined per participant: the messages start after them.
    const offset = thread.last_seq;
    expect(offset).toBe(4);

    const sends = users.flatMap((user) =>
      Array.from({ length: 50 }, (_, index) =>
        api(server, 'POST', `/chat/threads/${thread.id}/messages`, {
          token: user.token,
          body: sendBody(`${user.user.name} #${index}`),
        }),
      ),
    );
    const responses = await Promise.all(sends);
    expect(responses.every((response) => response.status === 201)).toBe(true);
    const seqs = responses.map((response) => response.body.message.thread_seq as number).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, index) => offset + index + 1));

    const log: number[] = [];
    let after = 0;
    for (;;) {
      const page = await api(server, 'GET', `/chat/threads/${thread.id}/events?last_thread_seq=${after}&limit=200`, {
        token: owner!.token,
      });
      log.push(...page.body.events.map((event: { thread_seq: number }) => event.thread_seq));
      after = log.at(-1) ?? after;
      if (!page.body.has_more) break;
    }
    expect(log).toEqual(Array.from({ length: 204 }, (_, index) => index + 1));
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterAvailable, createUsers, signIn, startCluster, type Cluster } from '../support/cluster.ts';
import { SmtpReceiver, type ReceivedMail } from '../support/smtp-receiver.ts';
import { api, sendBody } from '../support/test-server.ts';
import { newEmail, type Resolved } from '../support/visitors.ts';

const PASSWORD = 'a password for the cluster';
const SLUG = `shop-${randomUUID().slice(0, 8)}`;
/** Two processes start (the first migrates alone) on a busy machine. */
const SETUP_TIMEOUT_MS = 120_000;
const TEST_TIMEOUT_MS = 60_000;

/**
 * Visitor follow-up across two processes on one PostgreSQL database (CONTRACT §12): both
 * evaluate the thread's log and both poll for due follow-ups, yet the visitor gets one email.
 */
describe.runIf(clusterAvailable)('visitor follow-up across processes (PostgreSQL + NATS)', () => {
  let cluster: Cluster | undefined;
  let receiver: SmtpReceiver | undefined;
  const owner = { email: `owner-${Date.now()}@example.com`, name: 'Olga' };

  beforeAll(async () => {
    receiver = await SmtpReceiver.start();
    cluster = await startCluster({
      processes: 2,
      env: { SMTP_URL: receiver.url(), VISITOR_FOLLOW_UP_DELAY_MS: '1500', NOTIFY_LEASE_MS: '2000' },
      prepare: async (storage) => {
        const [user] = await createUsers(storage, [owner], PASSWORD);
        const agent = await storage.agents.create(
          { id: randomUUID(), slug: SLUG, name: 'Shop', avatarUrl: null, greeting: '', themeColor: '#000000', engine: 'demo' },
          [user!.id],
        );
        await storage.agentSettings.update(agent.id, {
          allowedOrigins: [],
          requireVerifiedIdentity: false,
          expectedReplyMinutes: null,
          websiteUrl: 'https://shop.example/',
          emailFollowUp: true,
        });
      },
    });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await cluster?.stop();
    await receiver?.close();
  });

  const mailsTo = (email: string): ReceivedMail[] => receiver!.received.filter((received) => received.envelope.to.includes(email));
  async function mailFor(email: string): Promise<void> {
    while (mailsTo(email).length === 0) await receiver!.waitFor(receiver!.received.length + 1);
  }

  it(
    'replies sent through both processes make one email',
    async () => {
      const [first, second] = cluster!.servers;
      const session = await signIn(first!, owner.email, PASSWORD);
      async function visitorWhoWrote(server: typeof first) {
        const email = newEmail();
        const resolved = await api<Resolved>(server!, 'POST', `/chat/public/${SLUG}/threads`, { body: { email, name: 'Vic' } });
        expect(resolved.status).toBe(201);
        const threadId = resolved.body.thread_id;
        expect((await api(server!, 'POST', `/chat/threads/${threadId}/takeover`, { token: session.token })).status).toBe(200);
        const wrote = await api(server!, 'POST', `/chat/public/${SLUG}/threads/${threadId}/messages`, {
          token: resolved.body.visitor_token,
          body: sendBody('Hello?'),
        });
        expect(wrote.status).toBe(201);
        return { email, threadId };
      }
      const visitor = await visitorWhoWrote(first);
      for (const [index, server] of [first, second, first, second].entries()) {
        const sent = await api(server!, 'POST', `/chat/threads/${visitor.threadId}/messages`, {
          token: session.token,
          body: sendBody(`Answer ${index + 1}`),
        });
        expect(sent.status).toBe(201);
      }
      await mailFor(visitor.email);
      expect(mailsTo(visitor.email)[0]!.mail.text).toContain(
        'Olga:\n> Answer 1\n\nOlga:\n> Answer 2\n\nOlga:\n> Answer 3\n\nOlga:\n> Answer 4\n',
      );

      // A later visitor's email, through the other process: by then both have polled past the first.
      const control = await visitorWhoWrote(second);
      expect(
        (await api(second!, 'POST', `/chat/threads/${control.threadId}/messages`, { token: session.token, body: sendBody('Control') }))
          .status,
      ).toBe(201);
      await mailFor(control.email);
      expect(mailsTo(visitor.email)).toHaveLength(1);
    },
    TEST_TIMEOUT_MS,
  );
});

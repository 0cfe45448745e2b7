import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachStorage } from '../support/each-storage.ts';
import { notificationsOf, removeAccess, waitForNotification } from '../support/notifications.ts';
import { api, createThread, demoWorld, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { waitFor } from '../support/webhook-receiver.ts';

type Session = { token: string; user: { id: string } };

/**
 * Notifications made from the log by CONTRACT §12's rules, on one process: each kind reaches
 * exactly its audience and never the actor, in the reader's language, as plain words; the
 * user socket gets each as a `notification` frame; a user who can no longer read the thread
 * sees none of its notifications. On SQLite and on PostgreSQL.
 */
describeEachStorage('notifications: the rules', (storageEnv) => {
  let server: TestServer;
  let alice: Session;
  let bob: Session;
  let carol: Session;
  let demoAgent: { id: string; sender_id: string };

  beforeAll(async () => {
    server = await startTestServer({ ...(await storageEnv()), DEMO_DATA: 'true' });
    ({ alice, bob, demoAgent } = await demoWorld(server));
    carol = await server.addUser('Carol');
  });
  afterAll(async () => {
    await server?.close();
  });

  const send = async (who: Session, threadId: string, content: string, mentions: string[] = []) => {
    const response = await api(server, 'POST', `/chat/threads/${threadId}/messages`, {
      token: who.token,
      body: { ...sendBody(content), mentions },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.message.thread_seq as number;
  };
  const trio = (title: string) => createThread(server, alice.token, { target_user_ids: [bob.user.id, carol.user.id], title });
  /** The kinds each of the three has for the thread at `seq`, once a later marker shows the rules got past it. */
  const kindsAt = async (threadId: string, seq: number) => {
    const marker = await send(carol, threadId, 'marker');
    await waitForNotification(server, alice.token, threadId, marker);
    const result: Record<string, string[]> = {};
    for (const [name, who] of Object.entries({ alice, bob, carol })) {
      const list = await notificationsOf(server, who.token, '?limit=100');
      result[name] = list.notifications.filter((n) => n.thread_id === threadId && n.thread_seq === seq).map((n) => n.kind);
    }
    return result;
  };

  it('a message: mention for the user it mentions, message for every other reader, nothing for the sender; plain words', async () => {
    const thread = await trio('Invoices');
    const seq = await send(alice, thread.id, '**Bob**, can you look at [the invoice](https://example.com/i)?', [`user:${bob.user.id}`]);
    expect(await kindsAt(thread.id, seq)).toEqual({ alice: [], bob: ['mention'], carol: ['message'] });
    const [mention] = (await notificationsOf(server, bob.token)).notifications.filter(
      (n) => n.thread_seq === seq && n.thread_id === thread.id,
    );
    expect(mention).toMatchObject({ title: 'Alice mentioned you', body: 'Bob, can you look at the invoice?', read_at: null });
  });

  it('in the reader’s language (German), and a long message is cut to a short excerpt', async () => {
    const defaults = await api(server, 'GET', '/me/notification-settings', { token: carol.token });
    expect(
      (await api(server, 'PUT', '/me/notification-settings', { token: carol.token, body: { ...defaults.body, language: 'de' } })).status,
    ).toBe(200);
    const thread = await trio('Rechnungen');
    const seq = await send(alice, thread.id, 'a'.repeat(300));
    await kindsAt(thread.id, seq);
    const [note] = (await notificationsOf(server, carol.token)).notifications.filter(
      (n) => n.thread_id === thread.id && n.thread_seq === seq,
    );
    expect(note!.title).toBe('Neue Nachricht von Alice');
    expect(note!.body).toBe(`${'a'.repeat(139)}…`);
    await api(server, 'PUT', '/me/notification-settings', { token: carol.token, body: { ...defaults.body, language: 'en' } });
  });

  it('assigned: the new assignee when someone else assigns; nothing when one assigns oneself', async () => {
    const thread = await trio('Assignments');
    const assign = async (by: Session, to: Session) => {
      const response = await api(server, 'PUT', `/chat/threads/${thread.id}/assignee`, {
        token: by.token,
        body: { assignee_id: `user:${to.user.id}` },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body.last_seq as number;
    };
    const toBob = await assign(alice, bob);
    expect(await kindsAt(thread.id, toBob)).toEqual({ alice: [], bob: ['assigned'], carol: [] });
    const [assigned] = (await notificationsOf(server, bob.token)).notifications.filter(
      (n) => n.thread_id === thread.id && n.kind === 'assigned',
    );
    expect(assigned).toMatchObject({ title: 'Alice assigned a conversation to you', body: 'Assignments' });
    const self = await assign(carol, carol);
    expect(await kindsAt(thread.id, self)).toEqual({ alice: [], bob: [], carol: [] });
  });

  it('waiting: every user of a private thread but the one who set it', async () => {
    const thread = await trio('Waiting here');
    const response = await api(server, 'PUT', `/chat/threads/${thread.id}/status`, { token: bob.token, body: { status: 'waiting' } });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(await kindsAt(thread.id, response.body.last_seq)).toEqual({ alice: ['waiting'], bob: [], carol: ['waiting'] });
  });

  it('approval_pending: the users who may decide it, with the tool’s name', async () => {
    const thread = await createThread(server, alice.token, { target_user_ids: [bob.user.id], agent_ids: [demoAgent.id], title: 'Refunds' });
    const asked = await send(alice, thread.id, '/approve');
    let pendingSeq = 0;
    await waitForNotification(server, bob.token, thread.id, asked);
    const found = async () => {
      const events = await api(server, 'GET', `/chat/threads/${thread.id}/events?last_thread_seq=${asked}&limit=50`, {
        token: alice.token,
      });
      pendingSeq = events.body.events.find((e: { event_type: string }) => e.event_type === 'approval_pending')?.thread_seq ?? 0;
      return pendingSeq > 0;
    };
    await waitFor('the approval_pending event', found);
    for (const who of [alice, bob]) {
      const list = await waitForNotification(server, who.token, thread.id, pendingSeq);
      expect(list.notifications.filter((n) => n.thread_id === thread.id && n.thread_seq === pendingSeq)).toEqual([
        expect.objectContaining({ kind: 'approval_pending', title: expect.stringMatching(/^Approval needed: .+/), body: 'In Refunds' }),
      ]);
    }
  });

  it('the user socket gets each notification as a frame; a user who can no longer read the thread sees none of it', async () => {
    const thread = await trio('Access');
    const socket = TestSocket.open(userSocketUrl(server.wsUrl, carol.token));
    try {
      await socket.ready();
      const seq = await send(alice, thread.id, 'for the socket');
      const frame = await socket.next((f) => f.type === 'notification' && f.data.thread_id === thread.id, 10_000, 'notification');
      const listed = (await notificationsOf(server, carol.token)).notifications.find(
        (n) => n.thread_id === thread.id && n.thread_seq === seq,
      );
      expect(frame).toEqual({ type: 'notification', data: listed });
    } finally {
      await socket.close();
    }
    const before = await notificationsOf(server, carol.token, '?limit=100');
    expect(before.notifications.some((n) => n.thread_id === thread.id)).toBe(true);
    await removeAccess(server, thread.id, carol.user.id);
    const after = await notificationsOf(server, carol.token, '?limit=100');
    expect(after.notifications.filter((n) => n.thread_id === thread.id)).toEqual([]);
    expect(after.unread_count).toBe(
      before.unread_count - before.notifications.filter((n) => n.thread_id === thread.id && !n.read_at).length,
    );
    // Nor is she notified of what comes next.
    const later = await send(alice, thread.id, 'after she left');
    await waitForNotification(server, bob.token, thread.id, later);
    expect((await notificationsOf(server, carol.token, '?limit=100')).notifications.filter((n) => n.thread_id === thread.id)).toEqual([]);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { download, pdf, visitorUpload, type Uploaded } from './attachments.ts';
import { api, type TestServer } from './test-server.ts';
import { TestSocket, userSocketUrl } from './test-socket.ts';
import { openVisitorSocket, publicCall, resolve, startVisitor, type Resolved } from './visitors.ts';
import { Receiver, waitFor } from './webhook-receiver.ts';

/** A server process a test talks to: a test server, a cluster member or a real `npm run serve`. */
export interface Reachable {
  url: string;
  wsUrl: string;
}

/** The base URL as the test helpers take it (they read `url` and `wsUrl` only). */
const asServer = (server: Reachable) => server as unknown as TestServer;

/** A word no other test writes: found while the visitor is, and nowhere afterwards. */
export const marker = () => `zq${randomBytes(8).toString('hex')}`;

/** A visitor of the demo agent with data everywhere §14 names: a message with the marker, a PDF, a note by the owner. */
export type VisitorWithData = Resolved & { email: string; visitorId: string; file: Uploaded; word: string };

/**
 * A visitor who wrote the marker and sent a PDF on `server`, whose thread has a note by the
 * owner (`ownerToken`, an owner of the demo agent).
 */
export async function visitorWithData(server: Reachable, ownerToken: string): Promise<VisitorWithData> {
  const word = marker();
  const visitor = await startVisitor(asServer(server), { email: `${word}@customer.example`, name: `Name ${word}` });
  const file = await visitorUpload(server, visitor.thread_id, 'order.pdf', pdf(), visitor.visitor_token);
  expect(file.status, JSON.stringify(file.body)).toBe(201);
  const uploaded = file.body as Uploaded;
  const sent = await publicCall(asServer(server), 'POST', `${visitor.thread_id}/messages`, {
    token: visitor.visitor_token,
    body: { client_message_id: randomUUID(), content: `my order ${word}`, attachment_ids: [uploaded.id] },
  });
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  const note = await api(server, 'POST', `/chat/threads/${visitor.thread_id}/notes`, {
    token: ownerToken,
    body: { client_message_id: randomUUID(), content: `note about ${word}` },
  });
  expect(note.status, JSON.stringify(note.body)).toBe(201);
  const found = await api(server, 'GET', `/agents/demo/visitors?thread_id=${visitor.thread_id}`, { token: ownerToken });
  expect(found.body.visitors).toHaveLength(1);
  const search = await api(server, 'GET', `/chat/search?q=${word}`, { token: ownerToken });
  expect(search.body.results.length).toBeGreaterThan(0);
  return { ...visitor, visitorId: found.body.visitors[0].id as string, file: uploaded, word };
}

/** What watches an erasure: on every process an owner's user socket and the visitor's public socket, and a webhook. */
export interface Watchers {
  userSockets: TestSocket[];
  visitorSockets: TestSocket[];
  receiver: Receiver;
  close(): Promise<void>;
}

/** Opens the watchers of {@link Watchers} (all ready) and subscribes the webhook through the first process. */
export async function watchErasure(servers: readonly Reachable[], ownerToken: string, visitor: VisitorWithData): Promise<Watchers> {
  const receiver = await Receiver.start();
  const subscribed = await api(servers[0]!, 'POST', `/chat/threads/${visitor.thread_id}/webhooks`, {
    token: ownerToken,
    body: { callback_url: receiver.url },
  });
  expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(201);
  const userSockets = servers.map((server) => TestSocket.open(userSocketUrl(server.wsUrl, ownerToken)));
  const visitorSockets = servers.map((server) =>
    openVisitorSocket(asServer(server), { threadId: visitor.thread_id, email: visitor.email, token: visitor.visitor_token }),
  );
  await Promise.all([...userSockets, ...visitorSockets].map((socket) => socket.ready()));
  return {
    userSockets,
    visitorSockets,
    receiver,
    async close() {
      await Promise.all([...userSockets, ...visitorSockets].map((socket) => socket.close()));
      await receiver.close();
    },
  };
}

/**
 * Every watcher learned of the erasure: each user socket got `thread_deleted` (from `senderId`,
 * reason `erased_by_owner`), each of the visitor's sockets closed with 4001, the webhook got
 * `thread_deleted`.
 */
export async function expectWatchersTold(watchers: Watchers, visitor: VisitorWithData, senderId: string): Promise<void> {
  for (const socket of watchers.userSockets) {
    const frame = await socket.next((candidate) => candidate.type === 'thread_event' && candidate.data.event_type === 'thread_deleted');
    expect(frame).toMatchObject({
      thread_id: visitor.thread_id,
      data: { event_type: 'thread_deleted', sender_id: senderId, data: { reason: 'erased_by_owner' } },
    });
  }
  for (const socket of watchers.visitorSockets) expect(await socket.closed).toEqual({ code: 4001, reason: 'invalid visitor token' });
  await waitFor('the webhook delivery', () =>
    watchers.receiver.deliveries.some((delivery) => delivery.event?.event_type === 'thread_deleted'),
  );
  const delivered = watchers.receiver.deliveries.find((delivery) => delivery.event?.event_type === 'thread_deleted')!;
  expect(delivered.event).toMatchObject({
    thread_id: visitor.thread_id,
    event_type: 'thread_deleted',
    data: { reason: 'erased_by_owner' },
  });
}

/** Nothing of the visitor is readable through any path of `server` (the caller checks the stored bytes). */
export async function expectGoneOn(server: Reachable, ownerToken: string, visitor: VisitorWithData): Promise<void> {
  const threadId = visitor.thread_id;
  const where = server.url;
  expect((await api(server, 'GET', `/chat/threads/${threadId}`, { token: ownerToken })).status, where).toBe(404);
  expect((await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=0`, { token: ownerToken })).status, where).toBe(404);
  expect((await api(server, 'GET', `/chat/threads/${threadId}/notes`, { token: ownerToken })).status, where).toBe(404);
  const list = await api(server, 'GET', '/chat/threads?limit=100', { token: ownerToken });
  expect(list.body.threads.map((thread: { id: string }) => thread.id)).not.toContain(threadId);
  expect((await download(server, `/chat/threads/${threadId}/attachments/${visitor.file.id}`, ownerToken)).status, where).toBe(404);
  const send = await api(server, 'POST', `/chat/threads/${threadId}/messages`, {
    token: ownerToken,
    body: { client_message_id: randomUUID(), content: 'still there?' },
  });
  expect(send.status, where).toBe(404);
  const publicEvents = await publicCall(asServer(server), 'GET', `${threadId}/events?last_thread_seq=0`, { token: visitor.visitor_token });
  expect(publicEvents.status, where).toBe(401);
  expect((await api(server, 'GET', '/chat/public/demo/threads', { token: visitor.visitor_token })).status, where).toBe(401);
  expect((await api(server, 'DELETE', '/chat/public/demo/me', { token: visitor.visitor_token })).status, where).toBe(401);
  // The visitor token is refused on the public socket too.
  const late = openVisitorSocket(asServer(server), { threadId, email: visitor.email, token: visitor.visitor_token });
  expect((await late.closed).code, where).toBe(4001);
  for (const word of [visitor.word, visitor.email.split('@')[0]!]) {
    const search = await api(server, 'GET', `/chat/search?q=${word}`, { token: ownerToken });
    expect(search.body.results, where).toEqual([]);
  }
  const byEmail = await api(server, 'GET', `/agents/demo/visitors?email=${encodeURIComponent(visitor.email)}`, { token: ownerToken });
  expect(byEmail.body, where).toEqual({ visitors: [] });
  expect((await api(server, 'GET', `/agents/demo/visitors/${visitor.visitorId}/export`, { token: ownerToken })).status, where).toBe(404);
  expect((await api(server, 'DELETE', `/agents/demo/visitors/${visitor.visitorId}`, { token: ownerToken })).status, where).toBe(404);
  // A resolve presenting the old token is a new visitor, sharing nothing.
  const again = await resolve(asServer(server), {}, { token: visitor.visitor_token });
  expect(again.status, where).toBe(201);
  expect(again.body.thread_id).not.toBe(threadId);
  expect(again.body.sender_id).not.toBe(visitor.sender_id);
}

import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { natsUrl } from '../support/nats.ts';
import { startTestCluster, type TestCluster } from '../support/test-cluster.ts';
import { api, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { SocketTracker, TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { openVisitorSocket, publicCall, startVisitor, type Resolved } from '../support/visitors.ts';
import { describeEachStorage } from '../support/each-storage.ts';

type Session = { token: string; user: { id: string } };

const sockets = new SocketTracker();
afterEach(() => sockets.closeAll());

/** A public socket that also keeps every frame's raw text, to search it for what must not be there. */
function rawVisitorSocket(server: TestServer, visitor: Resolved & { email: string }) {
  const socket = sockets.track(
    openVisitorSocket(server, { threadId: visitor.thread_id, email: visitor.email, token: visitor.visitor_token }),
  );
  const raw: string[] = [];
  socket.ws.on('message', (data) => raw.push(data.toString()));
  return { socket, raw };
}

/** Exactly what a visitor may see of a team-only event (CONTRACT §11). */
const placeholder = (threadId: string, seq: number) => ({
  thread_id: threadId,
  thread_seq: seq,
  event_type: 'hidden',
  created_at: expect.any(String),
});

async function writeNote(server: TestServer, token: string, threadId: string, content: string) {
  const response = await api(server, 'POST', `/chat/threads/${threadId}/notes`, {
    token,
    body: { content, client_message_id: randomUUID() },
  });
  expect(response.status).toBe(201);
  return response.body.note as { id: string; thread_seq: number; created_at: string };
}

/** The agent answers only when mentioned: a reply of its own could land after the team's and move the log's end. */
async function keepAgentQuiet(server: TestServer, ownerToken: string, threadId: string) {
  const quiet = await api(server, 'PUT', `/chat/threads/${threadId}/mode`, {
    token: ownerToken,
    body: { participation_mode: 'invocation_only' },
  });
  expect(quiet.status).toBe(200);
}

/** The visitor's whole history, page by page, with the raw bodies. */
async function publicHistory(server: TestServer, visitor: Resolved, after = 0, limit = 200) {
  const response = await publicCall(server, 'GET', `${visitor.thread_id}/events?last_thread_seq=${after}&limit=${limit}`, {
    token: visitor.visitor_token,
  });
  expect(response.status).toBe(200);
  return { body: response.body as { events: any[]; has_more: boolean }, raw: JSON.stringify(response.body) };
}

describeEachStorage('what visitors see (CONTRACT §11): team-only events as `hidden` placeholders on every public path', (storageEnv) => {
  let server: TestServer;
  let alice: Session;

  beforeAll(async () => {
    server = await startTestServer(await storageEnv());
    alice = await server.login('alice@example.com');
  });
  afterAll(() => server.close());

  it('shows a note on the public socket, in the public history and its pages as a placeholder; its text, id and type never', async () => {
    const visitor = await startVisitor(server, { name: 'Vera' });
    await keepAgentQuiet(server, alice.token, visitor.thread_id);
    const { socket, raw } = rawVisitorSocket(server, visitor);
    await socket.ready();
    const aliceSocket = sockets.track(TestSocket.open(userSocketUrl(server.wsUrl, alice.token)));
    await aliceSocket.ready();

    const asked = await publicCall(server, 'POST', `${visitor.thread_id}/messages`, {
      token: visitor.visitor_token,
      body: sendBody('Where is my order?'),
    });
    expect(asked.status).toBe(201);
    const secret = `Secret-note-${randomUUID()}`;
    const note = await writeNote(server, alice.token, visitor.thread_id, secret);
    const reply = await api(server, 'POST', `/chat/threads/${visitor.thread_id}/messages`, {
      token: alice.token,
      body: sendBody('It ships tomorrow.'),
    });
    expect(reply.status).toBe(201);

    // The team sees the note; the visitor's socket gets its placeholder at the same seq, then the reply.
    const teamFrame = await aliceSocket.next((f) => f.type === 'thread_event' && f.data.event_type === 'note_added', 5_000, 'the note');
    expect(teamFrame.data).toMatchObject({ thread_seq: note.thread_seq, content: secret });
    const hidden = await socket.next((f) => f.type === 'thread_event' && f.data.thread_seq === note.thread_seq, 5_000, 'the placeholder');
    expect(hidden).toEqual({ type: 'thread_event', thread_id: visitor.thread_id, data: placeholder(visitor.thread_id, note.thread_seq) });
    expect(hidden.data.created_at).toBe(note.created_at);
    await socket.next((f) => f.type === 'thread_message' && f.data.thread_seq === reply.body.message.thread_seq, 5_000, 'the reply');

    // The history: dense, the note's seq a placeholder and nothing else.
    const history = await publicHistory(server, visitor);
    const seqs = history.body.events.map((event) => event.thread_seq);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
    expect(seqs.at(-1)).toBe(reply.body.message.thread_seq);
    expect(history.body.events.find((event) => event.thread_seq === note.thread_seq)).toEqual(
      placeholder(visitor.thread_id, note.thread_seq),
    );
    expect(history.body.events.filter((event) => event.event_type === 'hidden')).toHaveLength(1);
    // A page that starts or ends at the note (the widget's catch-up after a reconnect) says the same.
    const page = await publicHistory(server, visitor, note.thread_seq - 1, 1);
    expect(page.body).toEqual({ events: [placeholder(visitor.thread_id, note.thread_seq)], has_more: true });

    for (const text of [...raw, history.raw, page.raw, JSON.stringify(asked.body)]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(note.id);
      expect(text).not.toContain('note_added');
    }
  });

  it('a socket that resumes after the note catches up through the history with the placeholder; its sends and acks carry no note', async () => {
    const visitor = await startVisitor(server);
    const secret = `Resume-note-${randomUUID()}`;
    const before = (await publicHistory(server, visitor)).body.events.length;
    const note = await writeNote(server, alice.token, visitor.thread_id, secret);
    expect(note.thread_seq).toBe(before + 1);

    // Reconnected: the socket, then the catch-up from where the visitor was.
    const { socket, raw } = rawVisitorSocket(server, visitor);
    await socket.ready();
    const catchUp = await publicHistory(server, visitor, before);
    expect(catchUp.body).toEqual({ events: [placeholder(visitor.thread_id, note.thread_seq)], has_more: false });

    socket.send({ type: 'send_message', data: { thread_id: visitor.thread_id, ...sendBody('Hello again', 'again-1') } });
    const ack = await socket.nextOfType('message_ack');
    expect(ack.data.message.thread_seq).toBe(note.thread_seq + 1);
    const restSend = await publicCall(server, 'POST', `${visitor.thread_id}/messages`, {
      token: visitor.visitor_token,
      body: sendBody('Hello again', 'again-1'),
    });
    expect(restSend.status).toBe(200);
    expect(restSend.body.message.thread_seq).toBe(note.thread_seq + 1);
    for (const text of [...raw, catchUp.raw, JSON.stringify(restSend.body)]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(note.id);
    }
  });

  it('shows assignee_changed as a placeholder on the public socket and history; handoff, handback and status_changed reach the visitor whole', async () => {
    const visitor = await startVisitor(server);
    const { socket, raw } = rawVisitorSocket(server, visitor);
    await socket.ready();
    const threadId = visitor.thread_id;
    const before = (await publicHistory(server, visitor)).body.events.length;
    const call = (method: string, path: string, body?: unknown) =>
      api(server, method, `/chat/threads/${threadId}/${path}`, { token: alice.token, ...(body ? { body } : {}) });
    expect((await call('PUT', 'assignee', { assignee_id: `user:${alice.user.id}` })).status).toBe(200);
    expect((await call('POST', 'takeover')).status).toBe(200);
    expect((await call('POST', 'handback')).status).toBe(200);
    expect((await call('PUT', 'status', { status: 'resolved' })).status).toBe(200);
    const team = (await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=${before}`, { token: alice.token })).body
      .events as any[];
    expect(team.map((event) => event.event_type)).toEqual(['assignee_changed', 'handoff', 'handback', 'status_changed']);
    // What the visitor must see at each seq: the team's event, or its placeholder.
    const shown = team.map((event) => (event.event_type === 'assignee_changed' ? placeholder(threadId, event.thread_seq) : event));

    const frames = [];
    for (const event of team) {
      frames.push(await socket.next((f) => f.type === 'thread_event' && f.data.thread_seq === event.thread_seq, 5_000, event.event_type));
    }
    expect(frames).toEqual(shown.map((data) => ({ type: 'thread_event', thread_id: threadId, data })));
    const history = await publicHistory(server, visitor, before);
    expect(history.body).toEqual({ events: shown, has_more: false });
    for (const text of [...raw, history.raw]) expect(text).not.toContain('assignee_changed');
  });

  it('a resumed visitor (resolve with their token, then the history from where they were) is told nothing of a note', async () => {
    const visitor = await startVisitor(server);
    await keepAgentQuiet(server, alice.token, visitor.thread_id);
    const said = await publicCall(server, 'POST', `${visitor.thread_id}/messages`, {
      token: visitor.visitor_token,
      body: sendBody('Last thing I said'),
    });
    expect(said.status).toBe(201);
    const secret = `Resume-list-note-${randomUUID()}`;
    const note = await writeNote(server, alice.token, visitor.thread_id, secret);

    const resumed = await api(server, 'POST', '/chat/public/demo/threads', {
      token: visitor.visitor_token,
      body: { email: visitor.email },
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ thread_id: visitor.thread_id, resumed: true });
    const history = await publicHistory(server, visitor, said.body.message.thread_seq);
    expect(history.body.events).toEqual([placeholder(visitor.thread_id, note.thread_seq)]);
    for (const text of [JSON.stringify(resumed.body), history.raw]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(note.id);
    }
  });

  it("leaves the team's paths whole: the owner's history and the visitor's see the same seqs", async () => {
    const visitor = await startVisitor(server);
    const secret = `Team-note-${randomUUID()}`;
    await writeNote(server, alice.token, visitor.thread_id, secret);
    await writeNote(server, alice.token, visitor.thread_id, `${secret}-2`);
    const team = await api(server, 'GET', `/chat/threads/${visitor.thread_id}/events`, { token: alice.token });
    const visitors = await publicHistory(server, visitor);
    expect(visitors.body.events.map((event) => event.thread_seq)).toEqual(
      team.body.events.map((event: { thread_seq: number }) => event.thread_seq),
    );
    expect(
      team.body.events
        .filter((event: { event_type: string }) => event.event_type === 'note_added')
        .map((event: { content: string }) => event.content),
    ).toEqual([secret, `${secret}-2`]);
    expect(visitors.body.events.map((event) => event.event_type)).toEqual(
      team.body.events.map((event: { event_type: string }) => (event.event_type === 'note_added' ? 'hidden' : event.event_type)),
    );
    expect(visitors.raw).not.toContain(secret);
  });
});

describe.runIf(natsUrl)('what visitors see across processes (NATS)', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster(natsUrl!, 2);
  });
  afterAll(() => cluster?.close());

  it('a note written on one process reaches a visitor socket on another as its placeholder', async () => {
    const [first, second] = cluster.servers as [TestServer, TestServer];
    const alice = await first.login('alice@example.com');
    const visitor = await startVisitor(second);
    const { socket, raw } = rawVisitorSocket(second, visitor);
    await socket.ready();
    const teamSocket = sockets.track(TestSocket.open(userSocketUrl(second.wsUrl, alice.token)));
    await teamSocket.ready();

    const secret = `Cluster-note-${randomUUID()}`;
    const note = await writeNote(first, alice.token, visitor.thread_id, secret);
    const team = await teamSocket.next((f) => f.type === 'thread_event' && f.data.thread_seq === note.thread_seq, 5_000, 'the note');
    expect(team.data).toMatchObject({ event_type: 'note_added', content: secret });
    const hidden = await socket.next((f) => f.type === 'thread_event' && f.data.thread_seq === note.thread_seq, 5_000, 'the placeholder');
    expect(hidden).toEqual({ type: 'thread_event', thread_id: visitor.thread_id, data: placeholder(visitor.thread_id, note.thread_seq) });
    for (const text of raw) expect(text).not.toContain(secret);
  });

  it('an assignment on one process reaches a visitor socket on another as its placeholder; the take-over after it whole', async () => {
    const [first, second] = cluster.servers as [TestServer, TestServer];
    const alice = await first.login('alice@example.com');
    const visitor = await startVisitor(second);
    const { socket, raw } = rawVisitorSocket(second, visitor);
    await socket.ready();
    const assigned = await api(first, 'PUT', `/chat/threads/${visitor.thread_id}/assignee`, {
      token: alice.token,
      body: { assignee_id: `user:${alice.user.id}` },
    });
    expect(assigned.status).toBe(200);
    const taken = await api(first, 'POST', `/chat/threads/${visitor.thread_id}/takeover`, { token: alice.token });
    expect(taken.status).toBe(200);
    const hidden = await socket.next(
      (f) => f.type === 'thread_event' && f.data.thread_seq === assigned.body.last_seq,
      5_000,
      'placeholder',
    );
    expect(hidden.data).toEqual(placeholder(visitor.thread_id, assigned.body.last_seq));
    const handoff = await socket.next((f) => f.type === 'thread_event' && f.data.thread_seq === taken.body.last_seq, 5_000, 'handoff');
    expect(handoff.data).toMatchObject({ event_type: 'handoff', data: { to: `user:${alice.user.id}`, name: 'Alice' } });
    for (const text of raw) expect(text).not.toContain('assignee_changed');
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { download, pdf, png, upload, visitorUpload, type Uploaded } from '../support/attachments.ts';
import { describeEachFileStorage } from '../support/each-storage.ts';
import { readSse, sseEvents } from '../support/sse.ts';
import { api, createThread, demoWorld, startTestServer, type TestServer } from '../support/test-server.ts';
import { TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { startVisitor } from '../support/visitors.ts';
import { Receiver, waitFor } from '../support/webhook-receiver.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

describeEachFileStorage('attachments on messages (CONTRACT §13, §4)', (storageEnv) => {
  let server: TestServer;
  let world: World;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    server = await startTestServer(await storageEnv());
    world = await demoWorld(server);
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  const humanThread = async () => (await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] })).id;
  const send = (threadId: string, body: Record<string, unknown>, token = world.alice.token) =>
    api(server, 'POST', `/chat/threads/${threadId}/messages`, { token, body: { client_message_id: randomUUID(), ...body } });
  const uploadText = async (threadId: string, name: string, token = world.alice.token) => {
    const answer = await upload(server, threadId, name, Buffer.from(`contents of ${name}`), token);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body as Uploaded;
  };

  it('sends a message of files only, and the message, the poll, SSE, the socket and webhooks carry them', async () => {
    const threadId = await humanThread();
    const receiver = await Receiver.start();
    receivers.push(receiver);
    const subscribed = await api(server, 'POST', `/chat/threads/${threadId}/webhooks`, {
      token: world.alice.token,
      body: { callback_url: receiver.url },
    });
    expect(subscribed.status).toBe(201);
    const socket = TestSocket.open(userSocketUrl(server.wsUrl, world.bob.token));
    await socket.ready();

    const image = (await upload(server, threadId, 'screen.png', await png(64, 48), world.alice.token)).body as Uploaded;
    const file = (await upload(server, threadId, 'order.pdf', pdf(), world.alice.token)).body as Uploaded;
    const sent = await send(threadId, { content: '', attachment_ids: [image.id, file.id] });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const expected = [
      { id: image.id, name: 'screen.png', content_type: 'image/png', size: image.size, width: 64, height: 48 },
      { id: file.id, name: 'order.pdf', content_type: 'application/pdf', size: file.size },
    ];
    expect(sent.body.message).toMatchObject({ content: '', attachments: expected });

    const frame = await socket.next((candidate) => candidate.type === 'thread_message' && candidate.thread_id === threadId);
    expect(frame.data.attachments).toEqual(expected);
    await socket.close();

    const poll = await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=0`, { token: world.bob.token });
    const committed = poll.body.events.find((event: { event_type: string }) => event.event_type === 'message_committed');
    expect(committed.data.attachments).toEqual(expected);

    const sse = sseEvents(await readSse(server, threadId, world.bob.token, 0, 'order.pdf')) as { data: { attachments?: unknown } }[];
    expect(sse.at(-1)!.data.attachments).toEqual(expected);

    await waitFor('the webhook delivery', () => receiver.deliveries.some((delivery) => delivery.event?.event_type === 'message_committed'));
    const delivered = receiver.deliveries.find((delivery) => delivery.event?.event_type === 'message_committed')!;
    expect(delivered.event.data.attachments).toEqual(expected);

    // Sent: every reader of the thread may download it now.
    const fetched = await download(server, `/chat/threads/${threadId}/attachments/${file.id}`, world.bob.token);
    expect(fetched.status).toBe(200);
    expect(fetched.body.equals(pdf())).toBe(true);
  });

  it('keeps messages without files as they were: no attachments field', async () => {
    const threadId = await humanThread();
    const sent = await send(threadId, { content: 'just words' });
    expect(sent.status).toBe(201);
    expect(sent.body.message).not.toHaveProperty('attachments');
    expect((await send(threadId, { content: '  ' })).body.error.message).toBe('content must not be empty.');
  });

  it('refuses an attachment used before (409), another thread’s or another sender’s (422), and more than 10 (400)', async () => {
    const threadId = await humanThread();
    const once = await uploadText(threadId, 'once.txt');
    expect((await send(threadId, { content: 'first', attachment_ids: [once.id] })).status).toBe(201);
    const reused = await send(threadId, { content: 'again', attachment_ids: [once.id] });
    expect(reused.status).toBe(409);
    expect(reused.body.error).toMatchObject({
      code: 'conflict',
      message: `Attachment ${once.id} is already on another message; upload the file again to send it again.`,
    });

    const otherThread = await humanThread();
    const elsewhere = await uploadText(otherThread, 'elsewhere.txt');
    const wrongThread = await send(threadId, { content: 'x', attachment_ids: [elsewhere.id] });
    expect(wrongThread.status).toBe(422);
    expect(wrongThread.body.error.message).toBe(
      `Attachment ${elsewhere.id} was not uploaded to this thread (or was deleted); upload the file again.`,
    );

    const bobs = await uploadText(threadId, 'bobs.txt', world.bob.token);
    const notMine = await send(threadId, { content: 'x', attachment_ids: [bobs.id] });
    expect(notMine.status).toBe(422);
    expect(notMine.body.error.message).toBe(`Attachment ${bobs.id} was uploaded by someone else; only its uploader may send it.`);

    const eleven = Array.from({ length: 11 }, () => randomUUID());
    expect((await send(threadId, { content: 'x', attachment_ids: eleven })).status).toBe(400);

    // None of the refused sends stored anything: the thread has the one message.
    const poll = await api(server, 'GET', `/chat/threads/${threadId}/events?last_thread_seq=0`, { token: world.alice.token });
    expect(poll.body.events.filter((event: { event_type: string }) => event.event_type === 'message_committed')).toHaveLength(1);
    // The refused files are still free to send.
    expect((await send(threadId, { content: 'now', attachment_ids: [bobs.id] }, world.bob.token)).status).toBe(201);
  });

  it('answers a repeated send with the same message, never using a file twice, and a changed repeat with 409', async () => {
    const threadId = await humanThread();
    const file = await uploadText(threadId, 'retry.txt');
    const body = { content: 'with a file', client_message_id: `retry-${randomUUID()}`, attachment_ids: [file.id] };
    const first = await send(threadId, body);
    const again = await send(threadId, body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.message).toEqual(first.body.message);
    const other = await uploadText(threadId, 'other.txt');
    const changed = await send(threadId, { ...body, attachment_ids: [other.id] });
    expect(changed.status).toBe(409);
    expect((await send(threadId, { content: 'later', attachment_ids: [other.id] })).status).toBe(201);
  });

  it('lets a visitor send a file and the agent’s owners, the agent by token and the visitor download it', async () => {
    const visitor = await startVisitor(server);
    const up = await visitorUpload(server, visitor.thread_id, 'broken.png', await png(20, 10), visitor.visitor_token);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const sent = await api(server, 'POST', `/chat/public/demo/threads/${visitor.thread_id}/messages`, {
      token: visitor.visitor_token,
      body: { content: 'It arrived like this', client_message_id: randomUUID(), attachment_ids: [up.body.id] },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body.message.attachments).toEqual([
      { id: up.body.id, name: 'broken.png', content_type: 'image/png', size: up.body.size, width: 20, height: 10 },
    ]);
    const publicPath = `/chat/public/demo/threads/${visitor.thread_id}/attachments/${up.body.id}`;
    expect((await download(server, publicPath, visitor.visitor_token)).status).toBe(200);
    const userPath = `/chat/threads/${visitor.thread_id}/attachments/${up.body.id}`;
    expect((await download(server, userPath, world.alice.token)).status).toBe(200);
    // Bob owns no agent: the visitor's conversation is not his.
    expect((await download(server, userPath, world.bob.token)).status).toBe(403);
    const issued = await api(server, 'POST', '/agents/demo/tokens', { token: world.alice.token });
    const agentToken = issued.body.token as string;
    const byAgent = await download(server, `${userPath}?variant=thumbnail`, agentToken);
    expect(byAgent.status).toBe(200);
    expect(byAgent.headers.get('content-type')).toBe('image/webp');
    // The agent posts in the thread (§4), so it may upload there and send what it uploaded.
    const agentFile = await upload(server, visitor.thread_id, 'label.pdf', pdf(), agentToken);
    expect(agentFile.status).toBe(201);
    const agentSent = await api(server, 'POST', `/chat/threads/${visitor.thread_id}/messages`, {
      token: agentToken,
      body: { content: 'Here is your return label.', client_message_id: randomUUID(), attachment_ids: [agentFile.body.id] },
    });
    expect(agentSent.status, JSON.stringify(agentSent.body)).toBe(201);
    const labelPath = `/chat/public/demo/threads/${visitor.thread_id}/attachments/${agentFile.body.id}`;
    expect((await download(server, labelPath, visitor.visitor_token)).body.equals(pdf())).toBe(true);

    // Another visitor, and a revoked agent token, are refused as the rest of the API refuses them.
    const stranger = await startVisitor(server);
    expect((await download(server, publicPath, stranger.visitor_token)).status).toBe(404);
    const revoked = await api(server, 'DELETE', `/agents/demo/tokens/${issued.body.id}`, { token: world.alice.token });
    expect(revoked.status).toBe(204);
    expect((await download(server, userPath, agentToken)).status).toBe(401);
  });

  it('refuses downloads to a user who left the thread: access is checked on every download', async () => {
    const carol = await server.addUser('Carol');
    const thread = await createThread(server, carol.token, { target_user_ids: [world.alice.user.id] });
    const file = await uploadText(thread.id, 'shared.txt', carol.token);
    expect((await send(thread.id, { content: 'here', attachment_ids: [file.id] }, carol.token)).status).toBe(201);
    const path = `/chat/threads/${thread.id}/attachments/${file.id}`;
    expect((await download(server, path, world.alice.token)).status).toBe(200);
    const outsider = await server.addUser('Dave');
    expect((await download(server, path, outsider.token)).status).toBe(403);
  });
});

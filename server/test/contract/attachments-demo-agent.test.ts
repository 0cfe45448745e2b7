import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pdf, png, upload, visitorUpload } from '../support/attachments.ts';
import { describeEachFileStorage } from '../support/each-storage.ts';
import { api, demoWorld, startTestServer, type TestServer } from '../support/test-server.ts';
import { startVisitor } from '../support/visitors.ts';
import { waitFor } from '../support/webhook-receiver.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

describeEachFileStorage('the demo agent describes the files it is sent (CONTRACT §9, §13)', (storageEnv) => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startTestServer(await storageEnv());
    world = await demoWorld(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** The agent's reply after `seq` in the thread, read as `token`. */
  async function replyAfter(path: string, seq: number, token: string): Promise<string> {
    let reply: string | undefined;
    await waitFor('the demo agent’s reply', async () => {
      const page = await api(server, 'GET', `${path}/events?last_thread_seq=${seq}`, { token });
      reply = page.body.events.find(
        (event: { event_type: string; sender_id: string }) =>
          event.event_type === 'message_committed' && event.sender_id.startsWith('agent:'),
      )?.content;
      return reply !== undefined;
    });
    return reply!;
  }

  it('names an image’s file name, type and pixel size, and another file’s size', async () => {
    const threadId = world.welcome.id;
    const image = await upload(server, threadId, 'screen_shot [1].png', await png(64, 48), world.alice.token);
    const doc = await upload(server, threadId, 'order.pdf', pdf(), world.alice.token);
    const sent = await api(server, 'POST', `/chat/threads/${threadId}/messages`, {
      token: world.alice.token,
      body: { content: 'see these', client_message_id: randomUUID(), attachment_ids: [image.body.id, doc.body.id] },
    });
    expect(sent.status).toBe(201);
    const reply = await replyAfter(`/chat/threads/${threadId}`, sent.body.message.thread_seq, world.alice.token);
    expect(reply).toBe(
      'Thanks, Alice! I received 2 files:\n\n' +
        '- **screen\\_shot \\[1\\]\\.png**: PNG image, 64 × 48 pixels\n' +
        `- **order\\.pdf**: PDF, ${pdf().length} bytes\n\n` +
        'You said: “see these”.',
    );
  });

  it('answers a visitor’s screenshot sent without words', async () => {
    const visitor = await startVisitor(server, { name: 'Vera' });
    const up = await visitorUpload(server, visitor.thread_id, 'IMG_2024.jpeg', await png(30, 20), visitor.visitor_token);
    expect(up.status).toBe(201);
    const path = `/chat/public/demo/threads/${visitor.thread_id}`;
    const sent = await api(server, 'POST', `${path}/messages`, {
      token: visitor.visitor_token,
      body: { content: '', client_message_id: randomUUID(), attachment_ids: [up.body.id] },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const reply = await replyAfter(path, sent.body.message.thread_seq, visitor.visitor_token);
    expect(reply).toBe('Thanks, Vera! I received one file:\n\n- **IMG\\_2024\\.jpeg**: PNG image, 30 × 20 pixels');
  });
});

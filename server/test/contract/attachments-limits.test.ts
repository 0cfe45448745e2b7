import { afterAll, beforeAll, expect, it } from 'vitest';
import { headersOnly, pdf, png, upload, visitorUpload } from '../support/attachments.ts';
import { describeEachFileStorage } from '../support/each-storage.ts';
import { api, demoWorld, startTestServer, type TestServer } from '../support/test-server.ts';
import { startVisitor } from '../support/visitors.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

const settingsBody = (attachments: unknown) => ({ allowed_origins: [], require_verified_identity: false, attachments });

describeEachFileStorage('attachments: visitors’ limits in agent settings (CONTRACT §13)', (storageEnv) => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startTestServer(await storageEnv());
    world = await demoWorld(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  const putSettings = (attachments: unknown) =>
    api(server, 'PUT', '/agents/demo/settings', { token: world.alice.token, body: settingsBody(attachments) });

  it('starts enabled with 10 MiB of images and PDF, in the settings and the public profile', async () => {
    const settings = await api(server, 'GET', '/agents/demo/settings', { token: world.alice.token });
    expect(settings.body.attachments).toEqual({ enabled: true, max_bytes: 10 * 1024 * 1024, types: ['image', 'pdf'] });
    const profile = await api(server, 'GET', '/chat/public/demo');
    expect(profile.body.attachments).toEqual({ enabled: true, max_bytes: 10 * 1024 * 1024, types: ['image', 'pdf'] });

    const visitor = await startVisitor(server);
    expect((await visitorUpload(server, visitor.thread_id, 'r.pdf', pdf(), visitor.visitor_token)).status).toBe(201);
    const text = await visitorUpload(server, visitor.thread_id, 'notes.txt', Buffer.from('hello'), visitor.visitor_token);
    expect(text.status).toBe(415);
    expect(text.body.error.message).toBe('This chat accepts only images and PDF files; this file is a text file.');
  });

  it('applies what the owners set: the size before the body, the kinds, and off', async () => {
    const set = await putSettings({ enabled: true, max_bytes: 1024, types: ['text', 'image'] });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.attachments).toEqual({ enabled: true, max_bytes: 1024, types: ['image', 'text'] });
    expect((await api(server, 'GET', '/chat/public/demo')).body.attachments).toEqual(set.body.attachments);

    const visitor = await startVisitor(server);
    const path = `/chat/public/demo/threads/${visitor.thread_id}/attachments?name=big.txt`;
    const big = await headersOnly(server, path, { authorization: `Bearer ${visitor.visitor_token}`, 'content-length': '1025' });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).error).toEqual({
      code: 'client_error',
      message: 'The file is larger than the limit of 1 KiB; send a smaller one.',
      retryable: false,
      // The limit in bytes, for a client that cannot know it otherwise (additive to §2's error body).
      max_bytes: 1024,
    });
    expect((await visitorUpload(server, visitor.thread_id, 'ok.txt', Buffer.from('fine'), visitor.visitor_token)).status).toBe(201);
    const refused = await visitorUpload(server, visitor.thread_id, 'r.pdf', pdf(), visitor.visitor_token);
    expect(refused.status).toBe(415);
    expect(refused.body.error.message).toBe('This chat accepts only images and text files; this file is a PDF file.');

    // Users are held to ATTACHMENT_MAX_BYTES, not to the visitors' limit.
    const owners = await upload(server, visitor.thread_id, 'long.pdf', Buffer.concat([pdf(), Buffer.alloc(2048, 0x20)]), world.alice.token);
    expect(owners.status).toBe(201);

    expect((await putSettings({ enabled: false, max_bytes: 1024, types: ['text'] })).status).toBe(200);
    const off = await visitorUpload(server, visitor.thread_id, 'ok.txt', Buffer.from('fine'), visitor.visitor_token);
    expect(off.status).toBe(403);
    expect(off.body.error.message).toBe('This chat does not accept files.');

    // Leaving the field out keeps it.
    const unchanged = await api(server, 'PUT', '/agents/demo/settings', {
      token: world.alice.token,
      body: { allowed_origins: [], require_verified_identity: false },
    });
    expect(unchanged.body.attachments).toEqual({ enabled: false, max_bytes: 1024, types: ['text'] });
    expect((await putSettings({ enabled: true, max_bytes: 10 * 1024 * 1024, types: ['image', 'pdf'] })).status).toBe(200);
  });

  it('refuses settings it cannot apply, in words', async () => {
    const cases: [unknown, string][] = [
      [
        { enabled: true, max_bytes: 0, types: ['image'] },
        'attachments.max_bytes must be a whole number of bytes from 1 to 1073741824 (1 GiB).',
      ],
      [{ enabled: true, max_bytes: 1000, types: ['image', 'svg'] }, 'attachments.types may hold only "image", "pdf", "text"; not svg.'],
      [
        { enabled: true, max_bytes: 1000, types: [] },
        'attachments.types must name at least one kind of file while attachments are enabled; or turn them off.',
      ],
    ];
    for (const [attachments, message] of cases) {
      const answer = await putSettings(attachments);
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toBe(message);
    }
    const settings = await api(server, 'GET', '/agents/demo/settings', { token: world.alice.token });
    expect(settings.body.attachments).toEqual({ enabled: true, max_bytes: 10 * 1024 * 1024, types: ['image', 'pdf'] });
  });
});

describeEachFileStorage('attachments: visitors’ uploads per address and minute (CONTRACT §13)', (storageEnv) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ ...(await storageEnv()), RATE_LIMIT_UPLOADS_PER_MIN: '2' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers the upload after the limit with 429 and Retry-After', async () => {
    const visitor = await startVisitor(server);
    const image = await png(8, 8);
    for (let i = 0; i < 2; i++) {
      expect((await visitorUpload(server, visitor.thread_id, `s${i}.png`, image, visitor.visitor_token)).status).toBe(201);
    }
    const third = await visitorUpload(server, visitor.thread_id, 's2.png', image, visitor.visitor_token);
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('rate_limited');
    expect(third.body.error.message).toMatch(/^Too many uploads; try again in \d+ s\.$/);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

import { createHash, randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemoData } from '../../src/storage/seed-demo-data.ts';
import { download, pdf, phoneJpeg, upload, visitorUpload } from '../support/attachments.ts';
import { clusterAvailable, signIn, startCluster, type Cluster, type Session } from '../support/cluster.ts';
import type { ChildServer } from '../support/test-cluster.ts';
import { api } from '../support/test-server.ts';

/** Attachments on three server processes sharing one PostgreSQL database (CONTRACT §13 "Storage"). */
describe.runIf(clusterAvailable)('attachments across server processes (PostgreSQL + NATS)', () => {
  let cluster: Cluster;
  let alice: Session;
  let bob: Session;

  beforeAll(async () => {
    cluster = await startCluster({ processes: 3, prepare: (storage) => seedDemoData(storage) });
    alice = await signIn(cluster.servers[0]!, 'alice@example.com', DEMO_PASSWORD);
    bob = await signIn(cluster.servers[0]!, 'bob@example.com', DEMO_PASSWORD);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('serves a file uploaded on one process from every other, whole, as a thumbnail and in ranges', async () => {
    const [first, second, third] = cluster.servers as [ChildServer, ChildServer, ChildServer];
    const thread = await api(first, 'POST', '/chat/threads', { token: alice.token, body: { target_user_ids: [bob.user.id] } });
    const threadId = thread.body.id as string;
    const image = await upload(first, threadId, 'IMG_0001.jpg', await phoneJpeg(), alice.token);
    expect(image.status, JSON.stringify(image.body)).toBe(201);
    // A file of many stored chunks, so that ranges cross from one to the next.
    const big = Buffer.concat([pdf(), Buffer.alloc(3 * 1024 * 1024 + 17, 0x41)]);
    const document = await upload(second, threadId, 'manual.pdf', big, alice.token);
    expect(document.status).toBe(201);

    const sent = await api(second, 'POST', `/chat/threads/${threadId}/messages`, {
      token: alice.token,
      body: { content: 'both', client_message_id: randomUUID(), attachment_ids: [image.body.id, document.body.id] },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);

    const photo = await download(third, `/chat/threads/${threadId}/attachments/${image.body.id}`, bob.token);
    expect(photo.status).toBe(200);
    expect(createHash('sha256').update(photo.body).digest('hex')).toBe(image.body.sha256);
    const shown = await sharp(photo.body).metadata();
    expect({ width: shown.width, height: shown.height, exif: shown.exif }).toEqual({ width: 40, height: 60, exif: undefined });
    const thumbnail = await download(third, `/chat/threads/${threadId}/attachments/${image.body.id}?variant=thumbnail`, bob.token);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');

    const whole = await download(first, `/chat/threads/${threadId}/attachments/${document.body.id}`, bob.token);
    expect(whole.body.equals(big)).toBe(true);
    for (const start of [7_995, 262_139, 1024 * 1024 - 5, big.length - 10]) {
      const part = await download(third, `/chat/threads/${threadId}/attachments/${document.body.id}`, bob.token, {
        range: `bytes=${start}-${start + 9}`,
      });
      expect(part.status).toBe(206);
      expect(part.body.equals(big.subarray(start, start + 10)), `bytes ${start}-${start + 9}`).toBe(true);
    }
  });

  it('lets a visitor upload through one process and download through another', async () => {
    const [first, , third] = cluster.servers;
    const resolved = await api(first!, 'POST', '/chat/public/demo/threads', { body: { email: 'visitor@customer.example' } });
    expect(resolved.status).toBe(201);
    const visitor = resolved.body as { thread_id: string; visitor_token: string };
    const up = await visitorUpload(first!, visitor.thread_id, 'receipt.pdf', pdf(), visitor.visitor_token);
    expect(up.status).toBe(201);
    const path = `/chat/public/demo/threads/${visitor.thread_id}/attachments/${up.body.id}`;
    const fetched = await download(third!, path, visitor.visitor_token);
    expect(fetched.status).toBe(200);
    expect(fetched.body.equals(pdf())).toBe(true);
  });
});

import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachFileStorage } from '../support/each-storage.ts';
import { createThread, demoWorld, startTestServer, type TestServer } from '../support/test-server.ts';
import { download, errorOf, headersOnly, pdf, phoneJpeg, png, pngBomb, upload, type Uploaded } from '../support/attachments.ts';

type World = Awaited<ReturnType<typeof demoWorld>>;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describeEachFileStorage('attachments: upload and download (CONTRACT §13)', (storageEnv) => {
  let server: TestServer;
  let world: World;
  let threadId: string;

  beforeAll(async () => {
    server = await startTestServer({ ...(await storageEnv()), ATTACHMENT_MAX_BYTES: String(64 * 1024) });
    world = await demoWorld(server);
    threadId = (await createThread(server, world.alice.token, { target_user_ids: [world.bob.user.id] })).id;
  });
  afterAll(async () => {
    await server?.close();
  });

  const fileOf = (id: string, suffix = '') => `/chat/threads/${threadId}/attachments/${id}${suffix}`;

  it('stores a text file as sent and serves it back with the download headers', async () => {
    const bytes = Buffer.from('Order 1234: the parcel arrived damaged.\nPhotos follow.\n');
    const answer = await upload(server, threadId, 'notes.txt', bytes, world.alice.token);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const uploaded = answer.body as Uploaded;
    expect(uploaded).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'notes.txt',
      content_type: 'text/plain; charset=utf-8',
      size: bytes.length,
      sha256: sha256(bytes),
      created_at: expect.any(String),
    });
    const file = await download(server, fileOf(uploaded.id), world.alice.token);
    expect(file.status).toBe(200);
    expect(file.body.equals(bytes)).toBe(true);
    expect(file.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="notes.txt"; filename*=UTF-8''notes.txt`);
    expect(file.headers.get('cache-control')).toContain('private');
    expect(file.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
  });

  it('names a file with any characters in Content-Disposition as RFC 6266/5987 say', async () => {
    const answer = await upload(server, threadId, 'Bestätigung "Mai".pdf', pdf(), world.alice.token);
    expect(answer.status).toBe(201);
    const file = await download(server, fileOf(answer.body.id), world.alice.token);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toBe(
      `attachment; filename="Best_tigung _Mai_.pdf"; filename*=UTF-8''Best%C3%A4tigung%20%22Mai%22.pdf`,
    );
  });

  it('decides the type by the bytes: a PNG named .pdf is a PNG, shown inline', async () => {
    const answer = await upload(server, threadId, 'invoice.pdf', await png(40, 30), world.alice.token);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ name: 'invoice.pdf', content_type: 'image/png', width: 40, height: 30 });
    const file = await download(server, fileOf(answer.body.id), world.alice.token);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('content-disposition')).toMatch(/^inline; /);
    expect((await sharp(file.body).metadata()).format).toBe('png');
  });

  it('refuses HTML and SVG whatever their name, and bytes that are no known type, with 415', async () => {
    const html = await upload(server, threadId, 'photo.png', Buffer.from('<!doctype html><script>alert(1)</script>'), world.alice.token);
    expect(html.status).toBe(415);
    expect(html.body.error.code).toBe('unsupported_media_type');
    expect(html.body.error.message).toBe(
      'HTML, SVG and other markup files are not accepted; send a PNG, JPEG, GIF, WebP, PDF or plain text file.',
    );
    const svg = await upload(server, threadId, 'logo.svg', Buffer.from('\n <svg xmlns="http://www.w3.org/2000/svg"/>'), world.alice.token);
    expect(svg.status).toBe(415);
    const binary = await upload(server, threadId, 'data.bin', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe]), world.alice.token);
    expect(binary.status).toBe(415);
    expect(binary.body.error.message).toBe(
      'This type of file is not accepted; send a PNG, JPEG, GIF, WebP, PDF or plain text (UTF-8) file.',
    );
  });

  it('refuses a truncated JPEG (415): it starts like one but does not decode', async () => {
    const whole = await phoneJpeg();
    const answer = await upload(server, threadId, 'cut.jpg', whole.subarray(0, Math.floor(whole.length / 2)), world.alice.token);
    expect(answer.status).toBe(415);
    expect(answer.body.error).toMatchObject({
      code: 'unsupported_media_type',
      message: 'The file starts like JPEG but is not a complete, valid image.',
    });
  });

  it('strips EXIF and GPS from a stored JPEG and turns it upright (width and height swapped)', async () => {
    const original = await phoneJpeg();
    const before = await sharp(original).metadata();
    expect(before.exif).toBeDefined();
    expect(before.orientation).toBe(6);
    const answer = await upload(server, threadId, 'IMG_0001.jpg', original, world.alice.token);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ content_type: 'image/jpeg', width: 40, height: 60 });
    const file = await download(server, fileOf(answer.body.id), world.alice.token);
    expect(file.body.length).toBe(answer.body.size);
    expect(sha256(file.body)).toBe(answer.body.sha256);
    const stored = await sharp(file.body).metadata();
    expect({ width: stored.width, height: stored.height }).toEqual({ width: 40, height: 60 });
    expect(stored.exif).toBeUndefined();
    expect(stored.xmp).toBeUndefined();
    expect(stored.orientation).toBeUndefined();
    expect(file.body.includes(Buffer.from('Secret Model 9'))).toBe(false);
    expect(file.body.includes(Buffer.from('TestPhone'))).toBe(false);
  });

  it('serves a WebP thumbnail of an image at most 480 px a side, and none for other files', async () => {
    const big = await upload(server, threadId, 'wide.png', await png(1200, 300), world.alice.token);
    // The limit of this server is 64 KiB: a one-colour PNG compresses far below it.
    expect(big.status).toBe(201);
    const thumbnail = await download(server, fileOf(big.body.id, '?variant=thumbnail'), world.alice.token);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    const shown = await sharp(thumbnail.body).metadata();
    expect({ format: shown.format, width: shown.width, height: shown.height }).toEqual({ format: 'webp', width: 480, height: 120 });
    const text = await upload(server, threadId, 'a.txt', Buffer.from('plain'), world.alice.token);
    const none = await download(server, fileOf(text.body.id, '?variant=thumbnail'), world.alice.token);
    expect(none.status).toBe(400);
    expect(errorOf(none).error.message).toBe('Only images have a thumbnail; leave out ?variant=thumbnail for this file.');
  });

  it('refuses an image of more than 50 megapixels (413) without decoding it', async () => {
    // 10,000 × 6,000 = 60 megapixels declared in a file of a few hundred bytes.
    const bomb = pngBomb(10_000, 6_000);
    expect(bomb.length).toBeLessThan(1024);
    const answer = await upload(server, threadId, 'bomb.png', bomb, world.alice.token);
    expect(answer.status).toBe(413);
    expect(answer.body.error.message).toBe('The image has more than 50 megapixels; send a smaller one.');
  });

  it('answers ETag revalidation with 304 and byte ranges with 206 and 416', async () => {
    const bytes = Buffer.from('0123456789abcdefghij');
    const uploaded = (await upload(server, threadId, 'range.txt', bytes, world.alice.token)).body as Uploaded;
    const etag = `"${uploaded.sha256}"`;
    const again = await download(server, fileOf(uploaded.id), world.alice.token, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const part = await download(server, fileOf(uploaded.id), world.alice.token, { range: 'bytes=5-9' });
    expect(part.status).toBe(206);
    expect(part.body.toString()).toBe('56789');
    expect(part.headers.get('content-range')).toBe('bytes 5-9/20');
    const tail = await download(server, fileOf(uploaded.id), world.alice.token, { range: 'bytes=-3' });
    expect(tail.body.toString()).toBe('hij');
    const outside = await download(server, fileOf(uploaded.id), world.alice.token, { range: 'bytes=20-30' });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe('bytes */20');
  });

  it('requires Content-Length (411) and refuses a body over the limit (413) before reading it', async () => {
    const path = `/chat/threads/${threadId}/attachments?name=big.pdf`;
    const chunked = await headersOnly(server, path, { authorization: `Bearer ${world.alice.token}`, 'transfer-encoding': 'chunked' });
    expect(chunked.status).toBe(411);
    expect(JSON.parse(chunked.body).error.message).toBe(
      'Content-Length is required: send the file as the body with its length (not chunked).',
    );
    // Only the headers are sent: the answer comes without a byte of the body.
    const big = await headersOnly(server, path, { authorization: `Bearer ${world.alice.token}`, 'content-length': String(64 * 1024 + 1) });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).error.message).toBe('The file is larger than the limit of 64 KiB; send a smaller one.');
    // The user's limit (ATTACHMENT_MAX_BYTES) is in no profile: the refusal names it in bytes.
    expect(JSON.parse(big.body).error.max_bytes).toBe(64 * 1024);
  });

  it('checks the file name: no folders, no control characters, not too long', async () => {
    const cases: [string, string][] = [
      ['../etc/passwd', 'name must be a file name without a folder (no / or \\).'],
      ['a\r\nb.txt', 'name contains a control character; send the file name only.'],
      [`${'x'.repeat(252)}.txt`, 'name is longer than 255 bytes of UTF-8; shorten the file name.'],
    ];
    for (const [name, message] of cases) {
      const answer = await upload(server, threadId, name, Buffer.from('hi'), world.alice.token);
      expect(answer.status, name).toBe(400);
      expect(answer.body.error.message).toBe(message);
    }
  });

  it('lets only who may post in the thread upload, and only who reads it download', async () => {
    const carol = await server.addUser('Carol');
    const outsider = await upload(server, threadId, 'x.txt', Buffer.from('hi'), carol.token);
    expect(outsider.status).toBe(403);
    const mine = (await upload(server, threadId, 'mine.txt', Buffer.from('hi'), world.alice.token)).body as Uploaded;
    expect((await download(server, fileOf(mine.id), carol.token)).status).toBe(403);
    expect((await download(server, fileOf(mine.id), null)).status).toBe(401);
    // Not sent yet: another participant does not see the upload.
    expect((await download(server, fileOf(mine.id), world.bob.token)).status).toBe(404);
    // Another thread's path never reaches it.
    const other = await createThread(server, world.alice.token, { target_user_ids: [] });
    expect((await download(server, `/chat/threads/${other.id}/attachments/${mine.id}`, world.alice.token)).status).toBe(404);
  });
});

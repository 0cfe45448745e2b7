import { expect, test, type APIRequestContext } from '@playwright/test';

/**
 * The foundation, seen from a real browser: the server serves the built app, its API, and
 * both sockets to Chromium, and refuses a foreign page.
 */

async function login(request: APIRequestContext, email: string) {
  const response = await request.post('/api/v1/auth/login', { data: { email, password: 'password123' } });
  expect(response.status()).toBe(200);
  return (await response.json()) as { token: string; user: { id: string } };
}

test('serves the inbox at / and its sign-in form', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in to your inbox' })).toBeVisible();
  await expect(page.getByLabel('Email')).toBeFocused();
});

test('a page on the server origin gets live messages over the user socket (auth subprotocol)', async ({ page, request }) => {
  const alice = await login(request, 'alice@example.com');
  const bob = await login(request, 'bob@example.com');
  const created = await request.post('/api/v1/chat/threads', {
    headers: { authorization: `Bearer ${alice.token}` },
    data: { target_user_ids: [bob.user.id], title: 'Browser socket' },
  });
  expect(created.status()).toBe(201);
  const thread = (await created.json()) as { id: string; last_seq: number };

  await page.goto('/');
  // Bob's browser opens the socket with the token in the subprotocol, as the inbox will.
  const ready = page.evaluate(
    (token) =>
      new Promise<{ protocol: string; ready: string }>((resolve, reject) => {
        const ws = new WebSocket(`ws://${location.host}/api/v1/chat/ws/user/threads`, ['auth', token]);
        (window as unknown as { testSocket: WebSocket }).testSocket = ws;
        (window as unknown as { frames: unknown[] }).frames = [];
        ws.onmessage = (event) => {
          const frame = JSON.parse(String(event.data)) as { type: string };
          (window as unknown as { frames: unknown[] }).frames.push(frame);
          if (frame.type === 'ready') resolve({ protocol: ws.protocol, ready: frame.type });
        };
        ws.onclose = (event) => reject(new Error(`closed ${event.code}`));
      }),
    bob.token,
  );
  await expect(ready).resolves.toEqual({ protocol: 'auth', ready: 'ready' });

  const sent = await request.post(`/api/v1/chat/threads/${thread.id}/messages`, {
    headers: { authorization: `Bearer ${alice.token}` },
    data: { content: 'Hello from the API', client_message_id: crypto.randomUUID() },
  });
  expect(sent.status()).toBe(201);

  const received = await page.waitForFunction(() => {
    const frames = (window as unknown as { frames: { type: string; data: { content: string; thread_seq: number } }[] }).frames;
    return frames.find((frame) => frame.type === 'thread_message')?.data ?? null;
  });
  const message = (await received.jsonValue()) as { content: string; thread_seq: number };
  expect(message.content).toBe('Hello from the API');
  expect(message.thread_seq).toBe(thread.last_seq + 1);
});

test('a page on another origin cannot open the user socket', async ({ page, request, baseURL }) => {
  const alice = await login(request, 'alice@example.com');
  // 127.0.0.1 and localhost are different origins: the server must refuse this page.
  const foreign = baseURL!.replace('localhost', '127.0.0.1');
  // A page of that origin without the inbox's CSP (which would stop the attempt in the browser, before the server).
  await page.goto(`${foreign}/healthz`);
  const outcome = await page.evaluate(
    ({ token, target }) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`${target}/api/v1/chat/ws/user/threads`, ['auth', token]);
        ws.onopen = () => resolve('opened');
        ws.onclose = (event) => resolve(`closed ${event.code}`);
      }),
    { token: alice.token, target: baseURL!.replace('http', 'ws') },
  );
  expect(outcome).toBe('closed 1006');
});

test('a visitor page on any origin can talk to the demo agent over the public socket', async ({ page, baseURL }) => {
  const foreign = baseURL!.replace('localhost', '127.0.0.1');
  // Any page of another origin: not the inbox, whose CSP allows connections to its own origin only.
  await page.goto(`${foreign}/healthz`);
  const reply = await page.evaluate(async (api) => {
    const resolved = await fetch(`${api}/api/v1/chat/public/demo/threads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'visitor@example.com', name: 'Vera' }),
    });
    const { thread_id: threadId, visitor_token: visitorToken } = (await resolved.json()) as { thread_id: string; visitor_token: string };
    return new Promise<string>((resolve, reject) => {
      // The visitor token proves whose conversation it is; it goes in the subprotocol, not the URL.
      const ws = new WebSocket(`${api.replace('http', 'ws')}/api/v1/chat/ws/public/demo/threads/${threadId}?email=visitor%40example.com`, [
        'visitor',
        visitorToken,
      ]);
      ws.onmessage = (event) => {
        const frame = JSON.parse(String(event.data)) as { type: string; data: { sender_id?: string; content?: string } };
        if (frame.type === 'ready') {
          ws.send(
            JSON.stringify({
              type: 'send_message',
              data: { thread_id: threadId, content: 'Hi there', client_message_id: crypto.randomUUID() },
            }),
          );
        }
        if (frame.type === 'thread_message' && frame.data.sender_id?.startsWith('agent:')) resolve(frame.data.content ?? '');
      };
      ws.onclose = (event) => reject(new Error(`closed ${event.code}`));
    });
  }, baseURL!);
  expect(reply).toContain('You said: “Hi there”');
});

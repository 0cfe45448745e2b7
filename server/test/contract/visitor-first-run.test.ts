import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachStorage } from '../support/each-storage.ts';
import { api, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { newEmail, publicCall, resolve } from '../support/visitors.ts';

type Session = { token: string; user: { id: string } };

const SETTINGS = { allowed_origins: [], require_verified_identity: false };

describeEachStorage(
  '[ext] a first run: visitors write first, and agents say when a person replies (CONTRACT §7, issue 23)',
  (storageEnv) => {
    let server: TestServer;
    let alice: Session;

    beforeAll(async () => {
      server = await startTestServer({ ...(await storageEnv()) });
      alice = await server.login('alice@example.com');
    });
    afterAll(() => server.close());

    const ownersView = async (threadId: string) => (await api(server, 'GET', `/chat/threads/${threadId}`, { token: alice.token })).body;
    const putSettings = (body: Record<string, unknown>) => api(server, 'PUT', '/agents/demo/settings', { token: alice.token, body });

    it('starts a new visitor without an email; the owners see "Visitor XXXX" until an email is given, once', async () => {
      const started = await resolve(server, {});
      expect(started.status).toBe(201);
      expect(started.body).toEqual({
        thread_id: expect.any(String),
        resumed: false,
        sender_id: expect.stringMatching(/^visitor:[0-9a-f-]{36}$/),
        visitor_token: expect.stringMatching(/^vt_/),
        verified: false,
        email: null,
      });
      const token = started.body.visitor_token;
      const tag = started.body.sender_id.slice('visitor:'.length, 'visitor:'.length + 4).toUpperCase();

      const sent = await publicCall(server, 'POST', `${started.body.thread_id}/messages`, {
        token,
        body: sendBody('Hello, anyone there?'),
      });
      expect(sent.status).toBe(201);
      expect(sent.body.message).toMatchObject({ sender_id: started.body.sender_id, content: 'Hello, anyone there?' });

      const before = await ownersView(started.body.thread_id);
      expect(before.title).toBe(`Visitor ${tag}`);
      expect(before.visitor).toEqual({ sender_id: started.body.sender_id, email: null, name: null, verified: false });

      // Given later (the widget's "leave your email"): the same conversation, now with the label.
      const email = newEmail('later');
      const given = await resolve(server, { email }, { token });
      expect(given.status).toBe(200);
      expect(given.body).toMatchObject({ thread_id: started.body.thread_id, resumed: true, email, visitor_token: token });
      expect((await ownersView(started.body.thread_id)).visitor).toMatchObject({ email, verified: false });

      // Set once: another address later does not replace it.
      const again = await resolve(server, { email: newEmail('other') }, { token });
      expect(again.status).toBe(200);
      expect(again.body.email).toBe(email);
      expect((await ownersView(started.body.thread_id)).visitor.email).toBe(email);
    });

    it('still refuses a malformed email from a new visitor (400)', async () => {
      const bad = await resolve(server, { email: 'not-an-email' });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toEqual({ code: 'client_error', message: 'email is not a valid email address.', retryable: false });
    });

    it('stores an expected reply time, shows it in the public profile, keeps it when left out and clears it with null', async () => {
      expect((await api(server, 'GET', '/chat/public/demo')).body.expected_reply_minutes).toBeNull();

      const set = await putSettings({ ...SETTINGS, expected_reply_minutes: 90 });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ ...SETTINGS, expected_reply_minutes: 90 });
      expect((await api(server, 'GET', '/agents/demo/settings', { token: alice.token })).body.expected_reply_minutes).toBe(90);
      expect((await api(server, 'GET', '/chat/public/demo')).body).toMatchObject({ slug: 'demo', expected_reply_minutes: 90 });

      // A client from before the field (it sends the two others only) leaves it as it is.
      const kept = await putSettings(SETTINGS);
      expect(kept.status).toBe(200);
      expect(kept.body.expected_reply_minutes).toBe(90);

      const cleared = await putSettings({ ...SETTINGS, expected_reply_minutes: null });
      expect(cleared.status).toBe(200);
      expect(cleared.body.expected_reply_minutes).toBeNull();
      expect((await api(server, 'GET', '/chat/public/demo')).body.expected_reply_minutes).toBeNull();
    });

    it.each([0, -5, 1.5, 10_081])('refuses an expected reply time of %s minutes (400) and changes nothing', async (minutes) => {
      await putSettings({ ...SETTINGS, expected_reply_minutes: 30 });
      const refused = await putSettings({
        allowed_origins: ['https://changed.example'],
        require_verified_identity: true,
        expected_reply_minutes: minutes,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toEqual({
        code: 'client_error',
        message: 'expected_reply_minutes must be a whole number of minutes from 1 to 10080 (a week), or null.',
        retryable: false,
      });
      expect((await api(server, 'GET', '/agents/demo/settings', { token: alice.token })).body).toMatchObject({
        ...SETTINGS,
        expected_reply_minutes: 30,
      });
    });

    it('refuses an expected reply time that is not a number (400)', async () => {
      const refused = await putSettings({ ...SETTINGS, expected_reply_minutes: 'soon' });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'client_error', retryable: false });
      expect(refused.body.error.message).toContain('expected_reply_minutes');
    });
  },
);

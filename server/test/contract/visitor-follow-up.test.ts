import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hashResumeToken, newResumeToken } from '../../src/auth/resume-tokens.ts';
import { describeEachStorage } from '../support/each-storage.ts';
import { SmtpReceiver, type ReceivedMail } from '../support/smtp-receiver.ts';
import { api, demoWorld, sendBody, startTestServer, type TestServer } from '../support/test-server.ts';
import { SEEN_AFTER_REPLY_MS } from '../../src/notifications/visitor-follow-up.ts';
import { sleep, TestSocket, userSocketUrl } from '../support/test-socket.ts';
import { openVisitorSocket, publicCall, resolve, startVisitor } from '../support/visitors.ts';

const WEBSITE = 'https://shop.example/help?lang=en';
const RESUME_LINK = /https:\/\/shop\.example\/help\?lang=en#ama2_resume=(vrt_[A-Za-z0-9_-]{43})/;
/** What a hostile reply may say: it must arrive as words, never as markup. */
const HOSTILE = '<img src=x onerror=alert(1)> & "quotes"';

/** CONTRACT §12 "Visitors who left": one email with the unseen replies and a one-time resume link; POST /resume. */
describeEachStorage('visitor follow-up email and resume (CONTRACT §12)', (storageEnv) => {
  let receiver: SmtpReceiver;
  let server: TestServer;
  let world: Awaited<ReturnType<typeof demoWorld>>;
  const tokensSeen: string[] = [];

  beforeAll(async () => {
    receiver = await SmtpReceiver.start();
    server = await startTestServer({
      ...(await storageEnv()),
      SMTP_URL: receiver.url(),
      MAIL_FROM: 'Shop <help@shop.example>',
      // Long enough for a test's few replies to land before the first is due (one email carries them all).
      VISITOR_FOLLOW_UP_DELAY_MS: '1500',
    });
    world = await demoWorld(server);
    await settings('demo', { website_url: WEBSITE, email_follow_up: true });
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  async function settings(slug: string, change: Record<string, unknown>) {
    const response = await api(server, 'PUT', `/agents/${slug}/settings`, {
      token: world.alice.token,
      body: { allowed_origins: [], require_verified_identity: false, ...change },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as Record<string, unknown>;
  }

  /** A visitor of `slug` who gave an email, wrote once, and whose thread Alice took over (so the demo agent stays quiet). */
  async function visitorWhoWrote(slug = 'demo', name = 'Vera', language?: string) {
    const visitor = await startVisitor(server, { name, language }, slug);
    const takeover = await api(server, 'POST', `/chat/threads/${visitor.thread_id}/takeover`, { token: world.alice.token });
    expect(takeover.status).toBe(200);
    const sent = await publicCall(server, 'POST', `${visitor.thread_id}/messages`, {
      token: visitor.visitor_token,
      body: sendBody('Where is my order?'),
      slug,
    });
    expect(sent.status).toBe(201);
    return visitor;
  }

  const reply = async (threadId: string, content: string) => {
    const response = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token: world.alice.token, body: sendBody(content) });
    expect(response.status).toBe(201);
  };

  const mailsTo = (email: string): ReceivedMail[] => receiver.received.filter((received) => received.envelope.to.includes(email));

  /** Waits for the email to `email` (a control case), so the worker has had its chance at everything due before. */
  async function mailFor(email: string, count = 1): Promise<ReceivedMail> {
    while (mailsTo(email).length < count) await receiver.waitFor(receiver.received.length + 1);
    return mailsTo(email)[count - 1]!;
  }

  const resume = (slug: string, token: string) => api(server, 'POST', `/chat/public/${slug}/resume`, { body: { resume_token: token } });

  it('agent settings keep website_url and email_follow_up, and refuse a website that is no http(s) address in words', async () => {
    expect(await settings('demo', { website_url: WEBSITE, email_follow_up: true })).toMatchObject({
      website_url: WEBSITE,
      email_follow_up: true,
    });
    const refused = await api(server, 'PUT', '/agents/demo/settings', {
      token: world.alice.token,
      body: { allowed_origins: [], require_verified_identity: false, website_url: 'javascript:alert(1)' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: 'client_error',
      message: 'website_url must start with https:// or http://, not javascript://.',
    });
    // Left out: unchanged.
    expect(await settings('demo', {})).toMatchObject({ website_url: WEBSITE, email_follow_up: true });
  });

  it('one email with the unseen replies (words, never markup), no private note, and a link that resumes once', async () => {
    const visitor = await visitorWhoWrote();
    await reply(visitor.thread_id, 'It ships on Monday.');
    const note = await api(server, 'POST', `/chat/threads/${visitor.thread_id}/notes`, {
      token: world.alice.token,
      body: { content: 'TEAM ONLY: refund approved', client_message_id: randomUUID() },
    });
    expect(note.status).toBe(201);
    await reply(visitor.thread_id, HOSTILE);

    const { mail, envelope } = await mailFor(visitor.email);
    expect(envelope).toEqual({ from: 'help@shop.example', to: [visitor.email] });
    expect(mail.subject).toBe('2 new replies from Demo Agent');
    const text = mail.text!;
    expect(text).toContain('Hello Vera,');
    expect(text).toContain('you have 2 replies in your conversation with Demo Agent that you have not seen yet:');
    expect(text).toContain(`Alice:\n> It ships on Monday.\n\nAlice:\n> ${HOSTILE}\n`);
    expect(text).not.toContain('Where is my order?');
    expect(text).not.toContain('TEAM ONLY');
    const html = mail.html as string;
    expect(html).toContain('<html lang="en">');
    expect(html).not.toContain('TEAM ONLY');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62; &#38; &#34;quotes&#34;');
    const token = RESUME_LINK.exec(text)![1]!;
    expect(html).toContain(`<a href="${WEBSITE}#ama2_resume=${token}">Continue the conversation with Demo Agent</a>`);
    tokensSeen.push(token);

    const resumed = await resume('demo', token);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toEqual({
      thread_id: visitor.thread_id,
      sender_id: visitor.sender_id,
      visitor_token: expect.stringMatching(/^vt_/),
      verified: false,
    });
    expect(resumed.body.visitor_token).not.toBe(visitor.visitor_token);
    // The new token is that visitor's: it reads the conversation, the replies in it.
    const history = await publicCall(server, 'GET', `${visitor.thread_id}/events?last_thread_seq=0&limit=100`, {
      token: resumed.body.visitor_token,
    });
    expect(history.status).toBe(200);
    expect(history.body.events.map((event: { content?: string }) => event.content).filter(Boolean)).toEqual([
      'Where is my order?',
      'It ships on Monday.',
      HOSTILE,
    ]);

    const again = await resume('demo', token);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', retryable: false });
    expect(again.body.error.message).toContain('This link was already used.');
  });

  it("is written in the widget's language as it last said on resolve: German for de-AT, English for a language it does not have", async () => {
    // Said English first, German on a later resolve (the visitor switched the site's language).
    const german = await visitorWhoWrote('demo', 'Greta', 'en');
    const again = await resolve(server, { email: german.email, language: 'de-AT' }, { token: german.visitor_token });
    expect(again.status).toBe(200);
    const french = await visitorWhoWrote('demo', 'Fleur', 'fr-FR');
    await reply(german.thread_id, 'Es wird am Montag verschickt.');
    await reply(french.thread_id, 'It ships on Monday.');

    const { mail } = await mailFor(german.email);
    expect(mail.subject).toBe('Neue Antwort von Demo Agent');
    expect(mail.text).toContain('Hallo Greta,');
    expect(mail.text).toContain('in Ihrer Unterhaltung mit Demo Agent gibt es eine Antwort, die Sie noch nicht gesehen haben:');
    expect(mail.html as string).toContain('<html lang="de">');
    expect(mail.html as string).toContain('>Die Unterhaltung mit Demo Agent fortsetzen</a>');
    const english = (await mailFor(french.email)).mail;
    expect(english.subject).toBe('New reply from Demo Agent');
    expect(english.html as string).toContain('<html lang="en">');
  });

  /**
   * The visitor's widget open on their thread (its public socket focusing it), once Alice's
   * inbox has heard they are there: the server counts them as viewing.
   */
  async function viewing(visitor: Awaited<ReturnType<typeof visitorWhoWrote>>) {
    const inbox = TestSocket.open(userSocketUrl(server.wsUrl, world.alice.token));
    await inbox.ready();
    const widget = openVisitorSocket(server, { threadId: visitor.thread_id, email: visitor.email, token: visitor.visitor_token });
    await widget.ready();
    widget.send({ type: 'focus_thread', data: { thread_id: visitor.thread_id } });
    const present = (status: string) => (frame: { type: string; data?: { sender_id?: string; status?: string } }) =>
      frame.type === 'thread_presence' && frame.data?.sender_id === visitor.sender_id && frame.data.status === status;
    await inbox.next(present('focused'));
    return {
      widget,
      /** The visitor closes the page; Alice's inbox hears they left. */
      async leave() {
        await widget.close();
        await inbox.next(present('unfocused'));
        await inbox.close();
      },
    };
  }

  it('a reply that came as the visitor closed the page is emailed: whether they saw it is decided when the email is due', async () => {
    const visitor = await visitorWhoWrote('demo', 'Lena');
    const page = await viewing(visitor);
    await reply(visitor.thread_id, 'Answered as you were leaving.');
    // The reply reaches the open widget, and the page closes at once.
    await page.widget.next((frame: { type: string; data?: { content?: string } }) => frame.type === 'thread_message');
    await page.leave();
    const { mail } = await mailFor(visitor.email);
    expect(mail.text).toContain('> Answered as you were leaving.');
  });

  it('a reply the open widget showed for a while before the visitor left is not emailed', async () => {
    const visitor = await visitorWhoWrote('demo', 'Milo');
    const page = await viewing(visitor);
    await reply(visitor.thread_id, 'You are reading this in the chat.');
    await page.widget.next((frame: { type: string }) => frame.type === 'thread_message');
    // On screen longer than it takes to read (and past its follow-up's due time), then the page closes.
    await sleep(SEEN_AFTER_REPLY_MS + 500);
    await page.leave();

    const control = await visitorWhoWrote('demo', 'Nora');
    await reply(control.thread_id, 'Control answer.');
    await mailFor(control.email);
    expect(mailsTo(visitor.email)).toHaveLength(0);
  });

  it('at most one email per visitor per hour, and none for replies the visitor answered', async () => {
    const visitor = await visitorWhoWrote('demo', 'Otto');
    await reply(visitor.thread_id, 'First answer.');
    await mailFor(visitor.email);
    await reply(visitor.thread_id, 'Second answer, within the hour.');
    // Seen: the visitor writes after the reply, before the delay is over.
    const answered = await visitorWhoWrote('demo', 'Sam');
    await reply(answered.thread_id, 'Answered at once.');
    const wrote = await publicCall(server, 'POST', `${answered.thread_id}/messages`, {
      token: answered.visitor_token,
      body: sendBody('Thanks!'),
    });
    expect(wrote.status).toBe(201);

    // A later visitor's email: by then the worker has had its chance at the two above.
    const control = await visitorWhoWrote('demo', 'Cleo');
    await reply(control.thread_id, 'Control answer.');
    await mailFor(control.email);
    expect(mailsTo(visitor.email)).toHaveLength(1);
    expect(mailsTo(answered.email)).toHaveLength(0);
  });

  it('none without email_follow_up, none without website_url', async () => {
    const offAgent = await server.app.context.storage.agents.create(
      {
        id: randomUUID(),
        slug: `off-${randomUUID().slice(0, 8)}`,
        name: 'Off',
        avatarUrl: null,
        greeting: '',
        themeColor: '#000000',
        engine: 'demo',
      },
      [world.alice.user.id],
    );
    const noSite = await server.app.context.storage.agents.create(
      {
        id: randomUUID(),
        slug: `nosite-${randomUUID().slice(0, 8)}`,
        name: 'No Site',
        avatarUrl: null,
        greeting: '',
        themeColor: '#000000',
        engine: 'demo',
      },
      [world.alice.user.id],
    );
    await settings(offAgent.slug, { website_url: WEBSITE, email_follow_up: false });
    await settings(noSite.slug, { website_url: null, email_follow_up: true });
    const off = await visitorWhoWrote(offAgent.slug, 'Ivo');
    const siteless = await visitorWhoWrote(noSite.slug, 'Ula');
    await reply(off.thread_id, 'You will not hear of this by email.');
    await reply(siteless.thread_id, 'Nor of this.');

    const control = await visitorWhoWrote('demo', 'Cora');
    await reply(control.thread_id, 'Control answer.');
    await mailFor(control.email);
    expect(mailsTo(off.email)).toHaveLength(0);
    expect(mailsTo(siteless.email)).toHaveLength(0);
  });

  it("/resume: another agent's slug 404, an expired link 410, an unknown one 404, each in words; nothing logs a token or address", async () => {
    const visitor = await visitorWhoWrote('demo', 'Wim');
    await reply(visitor.thread_id, 'Here you go.');
    const token = RESUME_LINK.exec((await mailFor(visitor.email)).mail.text!)![1]!;
    tokensSeen.push(token);
    const other = await server.app.context.storage.agents.create(
      {
        id: randomUUID(),
        slug: `other-${randomUUID().slice(0, 8)}`,
        name: 'Other',
        avatarUrl: null,
        greeting: '',
        themeColor: '#000000',
        engine: 'demo',
      },
      [world.alice.user.id],
    );
    const elsewhere = await resume(other.slug, token);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error).toEqual({
      code: 'not_found',
      message: 'This link does not open a conversation here. Start a new conversation instead.',
      retryable: false,
    });
    // Refused elsewhere, it still works where it belongs.
    expect((await resume('demo', token)).status).toBe(200);

    const expired = newResumeToken();
    await server.app.context.storage.resumeTokens.create({
      tokenHash: hashResumeToken(expired),
      visitorId: visitor.sender_id.slice('visitor:'.length),
      agentId: (await server.app.context.storage.agents.bySlug('demo'))!.id,
      threadId: visitor.thread_id,
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    const late = await resume('demo', expired);
    expect(late.status).toBe(410);
    expect(late.body.error).toMatchObject({
      code: 'not_found',
      message: 'This link has expired (links work for 7 days). Start a new conversation instead.',
    });
    expect((await resume('demo', newResumeToken())).status).toBe(404);
    expect((await resume('demo', 'not-a-token')).status).toBe(404);

    const log = readFileSync(server.logFile, 'utf8');
    expect(log).toContain('"mail":"visitor_follow_up"');
    for (const seen of tokensSeen) expect(log).not.toContain(seen);
    expect(log).not.toContain(visitor.email);
  });
});

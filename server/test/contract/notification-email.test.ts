import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Notification,
  NotificationKind,
  NotificationLanguage,
  NotificationSettings,
} from '../../../src/core/protocol/notifications.ts';
import type { DeliverableNotification } from '../../src/notifications/delivery-channels.ts';
import { SmtpReceiver } from '../support/smtp-receiver.ts';
import { closedLog } from '../support/closed-log.ts';
import { describeEachStorage } from '../support/each-storage.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const item = (userId: string, extra: Partial<Notification> = {}): DeliverableNotification => ({
  userId,
  notification: {
    id: randomUUID(),
    kind: 'mention',
    thread_id: randomUUID(),
    thread_seq: 4,
    title: 'Ada mentioned you',
    body: 'Please check the invoice.',
    created_at: new Date().toISOString(),
    read_at: null,
    ...extra,
  },
});

/** A header as sent, unfolded (mailparser groups the List-* headers under `list`). */
const headerLine = (mail: ParsedMail, key: string) => mail.headerLines.find((line) => line.key === key)?.line.replace(/\r?\n[ \t]+/g, ' ');

/** What a hostile message may say: it must arrive as words, never as markup. */
const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)> & "quotes"';

/** Every address an email went to, to look for in the logs. */
const recipients: string[] = [];

async function recipient(server: TestServer, name: string, language: NotificationLanguage = 'en') {
  const { user, token } = await server.addUser(name);
  recipients.push(user.email);
  return { id: user.id, name: user.name, email: user.email, language, token };
}

/** CONTRACT §12: notification email through a real SMTP server, with RFC 8058 one-click unsubscribe. */
describeEachStorage('notification email over SMTP (CONTRACT §12)', (storageEnv) => {
  const credentials = { user: 'mailer', pass: 'smtp-pass-w0rd' };
  let receiver: SmtpReceiver;
  let server: TestServer;

  beforeAll(async () => {
    receiver = await SmtpReceiver.start(credentials);
    server = await startTestServer({
      ...(await storageEnv()),
      SMTP_URL: receiver.url(credentials),
      MAIL_FROM: 'Inbox <inbox@example.com>',
    });
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  const deliver = (user: Awaited<ReturnType<typeof recipient>>, items: DeliverableNotification[]) =>
    server.app.context.notifyChannels.email.deliver(user, items);

  it('one digest email: From, To, subject, plain text and accessible HTML, a link per item, RFC 8058 headers', async () => {
    const ada = await recipient(server, 'Ada');
    const items = [item(ada.id), item(ada.id, { kind: 'assigned', title: 'Bob assigned a conversation to you', body: '' })];
    expect(await deliver(ada, items)).toBe('sent');
    await receiver.waitFor(1);
    const { envelope, authUser, mail } = receiver.received.at(-1)!;
    expect(authUser).toBe('mailer');
    expect(envelope).toEqual({ from: 'inbox@example.com', to: [ada.email] });
    expect(mail.subject).toBe('2 new notifications');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    const unsubscribe = headerLine(mail, 'list-unsubscribe')!;
    expect(unsubscribe).toMatch(
      new RegExp(
        `^List-Unsubscribe: <${server.url.replace('127.0.0.1', 'localhost')}/api/v1/notifications/unsubscribe\\?token=[A-Za-z0-9_.-]+>$`,
      ),
    );
    expect(headerLine(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const base = server.url.replace('127.0.0.1', 'localhost');
    expect(mail.text).toContain(`Hello ${ada.name},`);
    expect(mail.text).toContain('* Ada mentioned you\n  Please check the invoice.');
    expect(mail.text).toContain(`Open this conversation in the inbox: ${base}/#/thread/${items[0]!.notification.thread_id}`);
    const html = mail.html as string;
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<h1>2 new notifications</h1>');
    expect(html).toMatch(/<ul>\s*<li>\s*<h2>Ada mentioned you<\/h2>/);
    expect(html).toContain(`<a href="${base}/#/thread/${items[1]!.notification.thread_id}">Open this conversation in the inbox</a>`);
    expect(html).toContain('Stop emails about mentions</a>');
    expect(html).toContain('Stop emails about assignments</a>');
    expect(html).not.toContain('<img');
  });

  it('in German when the user reads German', async () => {
    const bea = await recipient(server, 'Bea', 'de');
    const before = receiver.received.length;
    expect(await deliver(bea, [item(bea.id), item(bea.id)])).toBe('sent');
    await receiver.waitFor(before + 1);
    const { mail } = receiver.received.at(-1)!;
    expect(mail.subject).toBe('2 neue Benachrichtigungen');
    expect(mail.text).toContain('Hallo Bea,');
    expect(mail.html).toContain('<html lang="de">');
    expect(mail.html).toContain('Diese Unterhaltung im Posteingang öffnen</a>');
    expect(mail.html).toContain('Keine E-Mails mehr zu Erwähnungen</a>');
  });

  it('escapes hostile words in the HTML part and keeps them as words in the text part and subject', async () => {
    const ada = await recipient(server, 'Ada');
    const before = receiver.received.length;
    expect(await deliver(ada, [item(ada.id, { title: `Re: ${HOSTILE}\r\nBcc: victim@example.com`, body: HOSTILE })])).toBe('sent');
    await receiver.waitFor(before + 1);
    const { mail, envelope } = receiver.received.at(-1)!;
    expect(envelope.to).toEqual([ada.email]);
    expect(mail.bcc).toBeUndefined();
    expect(mail.subject).toBe(`Re: ${HOSTILE} Bcc: victim@example.com`);
    const html = mail.html as string;
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;&#60;img src=x onerror=alert(2)&#62; &#38; &#34;quotes&#34;');
    expect(mail.text).toContain(HOSTILE);
  });

  it('one-click unsubscribe: GET only shows a confirm page; the RFC 8058 POST turns that kind off', async () => {
    const ada = await recipient(server, 'Ada');
    const before = receiver.received.length;
    expect(await deliver(ada, [item(ada.id)])).toBe('sent');
    await receiver.waitFor(before + 1);
    const { mail } = receiver.received.at(-1)!;
    const link = /<([^>]+)>/.exec(headerLine(mail, 'list-unsubscribe')!)![1]!.replace('localhost', '127.0.0.1');

    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    const text = await page.text();
    expect(text).toContain('<html lang="en">');
    expect(text).toContain('You will no longer get emails about mentions.');
    expect(text).toMatch(/<form method="post" action="\?token=[^"]+">/);
    expect(text).toContain('<button type="submit">Stop the emails</button>');
    // Following the link changed nothing: the next mention is emailed.
    expect(await server.app.context.storage.emailOptOuts.kindsOf(ada.id)).toEqual([]);
    expect(await deliver(ada, [item(ada.id)])).toBe('sent');

    const oneClick = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.json()).toEqual({ unsubscribed: ['mention'] });
    expect(await server.app.context.storage.emailOptOuts.kindsOf(ada.id)).toEqual(['mention']);
    const count = receiver.received.length;
    expect(await deliver(ada, [item(ada.id)])).toBe('nothing_to_send');
    // Other kinds still come, without the turned-off one.
    expect(await deliver(ada, [item(ada.id), item(ada.id, { kind: 'waiting', title: 'A visitor waits' })])).toBe('sent');
    await receiver.waitFor(count + 1);
    expect(receiver.received.length).toBe(count + 1);
    expect(receiver.received.at(-1)!.mail.subject).toBe('A visitor waits');
  });

  it("a one-click unsubscribe shows in the user's settings, and choosing email again brings the emails back", async () => {
    const ada = await recipient(server, 'Ada');
    const settingsUrl = `${server.url}/api/v1/me/notification-settings`;
    const auth = { authorization: `Bearer ${ada.token}` };
    const link = server.app.context.notifyChannels.email.unsubscribeUrl(ada.id, ['mention'], 'en').replace('localhost', '127.0.0.1');
    const oneClick = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);

    const settings = (await (await fetch(settingsUrl, { headers: auth })).json()) as NotificationSettings;
    expect(settings.channels.mention).toEqual(['in_app', 'push']);
    expect(settings.channels.waiting).toEqual(['in_app', 'push', 'email']);
    expect(await deliver(ada, [item(ada.id)])).toBe('nothing_to_send');

    const chosen = await fetch(settingsUrl, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ ...settings, channels: { ...settings.channels, mention: ['in_app', 'push', 'email'] } }),
    });
    expect(chosen.status).toBe(200);
    const count = receiver.received.length;
    expect(await deliver(ada, [item(ada.id)])).toBe('sent');
    await receiver.waitFor(count + 1);
  });

  it('the confirm page button posts as a browser does and gets a page; a changed token is refused', async () => {
    const ada = await recipient(server, 'Ada', 'de');
    const link = server.app.context.notifyChannels.email
      .unsubscribeUrl(ada.id, ['waiting' as NotificationKind], 'de')
      .replace('localhost', '127.0.0.1');
    const done = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: server.url },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Sie erhalten keine E-Mails mehr zu Unterhaltungen, die auf eine Person warten.');
    expect(await server.app.context.storage.emailOptOuts.kindsOf(ada.id)).toEqual(['waiting']);

    const forged = link.replace(/token=([^.]+)\./, (_all, body: string) => `token=${body.slice(0, -2)}AA.`);
    const refused = await fetch(forged, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: unknown }).error).toMatchObject({
      code: 'client_error',
      message: 'This unsubscribe link is not valid (changed or cut short).',
    });
    expect((await fetch(forged)).status).toBe(400);
  });

  it('an SMTP server saying "try later" (4xx) keeps the email queued (retry); a permanent refusal (5xx) gives it up', async () => {
    const ada = await recipient(server, 'Ada');
    receiver.refuseNext(451);
    expect(await deliver(ada, [item(ada.id)])).toBe('retry');
    receiver.refuseNext(550);
    expect(await deliver(ada, [item(ada.id)])).toBe('nothing_to_send');
    const before = receiver.received.length;
    expect(await deliver(ada, [item(ada.id)])).toBe('sent');
    await receiver.waitFor(before + 1);
  });

  it('logs neither the SMTP password nor a recipient (last: it closes the server to read the whole log)', async () => {
    const log = await closedLog(server);
    expect(log).toContain('email sent');
    expect(log).not.toContain(credentials.pass);
    for (const address of recipients) expect(log).not.toContain(address);
  });
});

describe('notification email without SMTP_URL: .eml files (CONTRACT §12)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ PUBLIC_URL: 'https://chat.example.com/' });
  });
  afterAll(() => server?.close());

  it('writes each email as an owner-only .eml file under data/mail and logs it without recipient or body', async () => {
    const ada = await recipient(server, 'Ada');
    const sent = item(ada.id, { body: 'A very private sentence.' });
    expect(await server.app.context.notifyChannels.email.deliver(ada, [sent])).toBe('sent');
    const mailDir = join(dirname(server.config.databasePath), 'mail');
    const files = readdirSync(mailDir).filter((name) => name.endsWith('.eml'));
    expect(files).toHaveLength(1);
    expect(statSync(join(mailDir, files[0]!)).mode & 0o777).toBe(0o600);
    const mail = await simpleParser(readFileSync(join(mailDir, files[0]!)));
    expect(mail.subject).toBe('Ada mentioned you');
    expect(mail.text).toContain(`https://chat.example.com/#/thread/${sent.notification.thread_id}`);
    expect(headerLine(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const lines = (await closedLog(server)).split('\n').filter((line) => line.includes('email written'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ file: files[0], user_id: ada.id, kinds: ['mention'], items: 1 });
    expect(lines[0]).not.toContain(ada.email);
    expect(lines[0]).not.toContain('private sentence');
  });
});

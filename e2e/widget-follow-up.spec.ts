import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { stringsFor } from '../widget/panel/testing/strings.ts';
import { RESUME_WORDS } from '../widget/panel/resume-words.ts';
import { ALICE, UserApi, uniqueTag } from './support/inbox.ts';
import { HostPageServer, PageWatch, demoReplyTo, launcher, panel, visitorRecord } from './support/host-page.ts';
import { OwnServer } from './support/own-server.ts';

/**
 * Issue 18's last part, end to end with nothing mocked (CONTRACT §12 "Visitors who left"): a
 * visitor chats in the widget on a customer's page, leaves an email and closes the browser;
 * an operator replies; the follow-up email arrives (an `.eml` file of the server's, parsed as
 * MIME); its link, opened in another browser, opens the widget by itself on the conversation
 * with the reply, without the link in the address bar; a reload continues it, and the same
 * link again (in a new tab, or in the tab showing the page) says it was already used. In English on a desktop, in German on a 390 px phone.
 */

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/** A demo reply, a fresh conversation and the follow-up email arrive within this. */
const ARRIVAL_MS = 20_000;
/** The follow-up waits this long after the reply (VISITOR_FOLLOW_UP_DELAY_MS; 5 minutes by default). */
const FOLLOW_UP_DELAY_MS = 1_500;
/** This spec's own chat server and customer site listen beside the config's (E2E_PORT and the cluster's after it). */
const OWN_PORT = Number(process.env.E2E_PORT ?? 8799) + 40;

// Two browsers, a server of its own and an email in between: more than the default time on a busy machine.
test.slow();

let server: OwnServer;
let host: HostPageServer;
test.beforeAll(async () => {
  server = await OwnServer.create(
    {
      VISITOR_FOLLOW_UP_DELAY_MS: String(FOLLOW_UP_DELAY_MS),
      // No SMTP_URL: every email is an .eml file under the data folder's mail/ (CONTRACT §12).
      RATE_LIMIT_THREADS_PER_MIN: '1000',
      RATE_LIMIT_SOCKETS_PER_MIN: '1000',
      RATE_LIMIT_MESSAGES_PER_MIN: '1000',
    },
    OWN_PORT,
  );
  await server.start();
  host = await HostPageServer.start(OWN_PORT + 1);
});
test.afterAll(async () => {
  await host?.close();
  await server?.dispose();
});

/** The follow-up email to `address`, read from the server's mail folder once it is there. */
async function followUpEmail(address: string): Promise<ParsedMail> {
  const folder = join(server.dir, 'mail');
  let found: ParsedMail | null = null;
  await expect
    .poll(
      async () => {
        let files: string[] = [];
        try {
          files = readdirSync(folder).filter((file) => file.endsWith('.eml'));
        } catch {
          // No email written yet: no folder.
        }
        for (const file of files) {
          const mail = await simpleParser(readFileSync(join(folder, file)));
          const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
          if (to.some((group) => group.value.some((entry) => entry.address === address))) found = mail;
        }
        return found !== null;
      },
      { timeout: ARRIVAL_MS + FOLLOW_UP_DELAY_MS, message: `a follow-up email to ${address} in ${folder}` },
    )
    .toBe(true);
  return found!;
}

for (const [language, locale, viewport] of [
  ['English, desktop', 'en', DESKTOP],
  ['German, 390 px phone', 'de', PHONE],
] as const) {
  const t = stringsFor(locale);
  const used = RESUME_WORDS[locale]!.used;
  const composer = (page: Page) => panel(page).getByRole('textbox', { name: t.messageLabel });
  const conversation = (page: Page) => panel(page).getByRole('region', { name: t.conversation });

  /** A new browser (its own storage, as another device) at the phone's or desktop's size. */
  async function newBrowser(browser: Browser) {
    const context = await browser.newContext({ viewport });
    return { context, page: await context.newPage() };
  }

  test(`${language}: the follow-up email's link opens the conversation with the operator's reply in another browser, once`, async ({
    browser,
    request,
  }) => {
    const tag = uniqueTag();
    const site = host.page({ chatOrigin: server.baseURL, widget: { agent: 'demo', locale } });
    const alice = await UserApi.login(request, ALICE, server.baseURL);
    const settings = await request.put(`${server.baseURL}/api/v1/agents/demo/settings`, {
      headers: { authorization: `Bearer ${alice.me.token}` },
      data: { allowed_origins: [], require_verified_identity: false, website_url: site, email_follow_up: true },
    });
    expect(settings.status(), await settings.text()).toBe(200);

    // The visitor chats, leaves an email when the widget offers it, and closes the browser.
    const email = `follow-up-${tag}@customer.example`;
    const first = await newBrowser(browser);
    await first.page.goto(site);
    await launcher(first.page).click();
    const question = `Where is my parcel? ${tag}`;
    await composer(first.page).fill(question);
    await composer(first.page).press('Enter');
    await expect(conversation(first.page).getByText(demoReplyTo(question))).toBeVisible({ timeout: ARRIVAL_MS });
    await panel(first.page).getByRole('textbox', { name: t.email.label }).fill(email);
    await panel(first.page).getByRole('button', { name: t.email.save }).click();
    await expect(panel(first.page).getByText(t.email.saved(email))).toBeVisible({ timeout: ARRIVAL_MS });
    const { threadId } = await visitorRecord(first.page, server.baseURL);
    expect(threadId).not.toBeNull();
    await first.context.close();

    // An operator replies after the visitor has gone.
    const answer = `Your parcel arrives tomorrow. ${tag}`;
    await alice.send(threadId!, answer);

    // The email, in the widget's language, with the reply and a link back to the page.
    const mail = await followUpEmail(email);
    expect(mail.subject).toMatch(locale === 'de' ? /^Neue Antworte?n? von Demo Agent$/ : /^New repl(y|ies) from Demo Agent$/);
    expect(mail.text).toContain(`> ${answer}`);
    expect(mail.html as string).toContain(`<html lang="${locale}">`);
    const link = new RegExp(`${site.replace(/[.?*+^$()[\]{}|\\/]/g, '\\$&')}#ama2_resume=vrt_[A-Za-z0-9_-]{43}`).exec(mail.text!)?.[0];
    expect(link, 'the resume link in the email').toBeTruthy();

    // Opened in another browser: the widget opens by itself on that conversation, and the link
    // leaves the address bar.
    const second = await newBrowser(browser);
    const watch = new PageWatch(second.page);
    await second.page.goto(link!);
    await expect(panel(second.page)).toBeVisible({ timeout: ARRIVAL_MS });
    await expect(conversation(second.page).getByText(answer)).toBeVisible({ timeout: ARRIVAL_MS });
    await expect(conversation(second.page).getByText(question, { exact: true })).toBeVisible();
    expect(second.page.url()).toBe(site);
    const resumed = await visitorRecord(second.page, server.baseURL);
    expect(resumed.threadId).toBe(threadId);
    expect(resumed.visitorToken).toMatch(/^vt_/);

    // A reload continues it (the panel stays open in this tab), spending nothing.
    await second.page.reload();
    await expect(conversation(second.page).getByText(answer)).toBeVisible({ timeout: ARRIVAL_MS });
    await expect(panel(second.page).getByRole('alert')).toHaveCount(0);
    expect((await visitorRecord(second.page, server.baseURL)).threadId).toBe(threadId);

    // The same link again (from the email, in a new tab of this browser): already used, said in
    // words; the conversation stays.
    const again = await second.context.newPage();
    const againWatch = new PageWatch(again);
    await again.goto(link!);
    await expect(panel(again).getByRole('alert')).toHaveText(used, { timeout: ARRIVAL_MS });
    await expect(conversation(again).getByText(answer)).toBeVisible({ timeout: ARRIVAL_MS });
    expect(again.url()).toBe(site);
    // And pasted into the address bar of the first tab, which shows the page already (only the
    // fragment changes: no page load).
    await second.page.goto(link!);
    await expect(panel(second.page).getByRole('alert')).toHaveText(used, { timeout: ARRIVAL_MS });
    await expect(conversation(second.page).getByText(answer)).toBeVisible({ timeout: ARRIVAL_MS });
    expect(second.page.url()).toBe(site);
    await watch.expectClean();
    await againWatch.expectClean();
    await second.context.close();
  });
}

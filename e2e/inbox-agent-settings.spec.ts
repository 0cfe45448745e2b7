import { createHmac } from 'node:crypto';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { expectAccessible } from './support/axe.ts';
import { ALICE, BOB, UserApi, signIn, threadList, uniqueTag } from './support/inbox.ts';

/**
 * The owner side of visitor trust (issue 8): Alice, owner of the demo agent, manages its
 * settings in the inbox (allowed websites, verified identity, identity secret, agent
 * tokens); Bob, who owns no agent, is offered none; visitor threads say whether the
 * website vouched for the visitor. The e2e server is shared by every spec of a run, so
 * what this spec changes it puts back.
 */

const SLUG = 'demo';

interface Settings {
  allowed_origins: string[];
  require_verified_identity: boolean;
  identity_secret_set: boolean;
  identity_secret_created_at: string | null;
  website_url: string | null;
  email_follow_up: boolean;
}

/** The owner endpoints as one signed-in user, to check what the screen did and to restore it. */
function ownerApi(request: APIRequestContext, alice: UserApi) {
  const headers = { authorization: `Bearer ${alice.me.token}` };
  return {
    async settings(): Promise<Settings> {
      const response = await request.get(`/api/v1/agents/${SLUG}/settings`, { headers });
      expect(response.status(), await response.text()).toBe(200);
      return (await response.json()) as Settings;
    },
    async restore(saved: Settings): Promise<void> {
      const response = await request.put(`/api/v1/agents/${SLUG}/settings`, {
        headers,
        data: {
          allowed_origins: saved.allowed_origins,
          require_verified_identity: saved.require_verified_identity,
          website_url: saved.website_url,
          email_follow_up: saved.email_follow_up,
        },
      });
      expect(response.status(), await response.text()).toBe(200);
    },
    async tokenIds(): Promise<string[]> {
      const response = await request.get(`/api/v1/agents/${SLUG}/tokens`, { headers });
      expect(response.status()).toBe(200);
      return ((await response.json()) as { tokens: { id: string }[] }).tokens.map((token) => token.id);
    },
    async revoke(id: string): Promise<void> {
      await request.delete(`/api/v1/agents/${SLUG}/tokens/${id}`, { headers });
    },
  };
}

/** An HS256 identity token, as a website's backend would sign it with `node:crypto` alone. */
function signIdentityToken(secret: string, claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

const settingsHeading = (page: Page) => page.getByRole('heading', { name: 'Demo Agent settings', level: 2 });
const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });

/** Opens the demo agent's settings from the sidebar menu: "Agent settings" → the agent. */
async function openSettingsFromMenu(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Agent settings', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Your agents', level: 2 })).toBeVisible();
  await page
    .getByRole('list', { name: 'Your agents' })
    .getByRole('link', { name: /Demo Agent/ })
    .click();
  await expect(settingsHeading(page)).toBeVisible();
  await expect(settingsHeading(page)).toBeFocused();
}

test('Alice manages the demo agent from the menu; visitor threads say whether they are verified', async ({
  page,
  context,
  request,
  baseURL,
}) => {
  const alice = await UserApi.login(request, ALICE);
  const owner = ownerApi(request, alice);
  const saved = await owner.settings();
  const tokensBefore = await owner.tokenIds();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  const tag = uniqueTag();

  try {
    await signIn(page, ALICE);
    await openSettingsFromMenu(page);

    await test.step('allowed websites: add one (checked in words), then remove it', async () => {
      const websites = region(page, 'Allowed websites');
      const address = websites.getByLabel('Website address');
      await address.fill('shop.example.com');
      await websites.getByRole('button', { name: 'Add website' }).click();
      await expect(websites.getByText('Start the address with https:// (or http://), for example https://shop.example.com.')).toBeVisible();
      await expectAccessible(page, 'agent settings: an address refused in words');

      const site = `https://shop-${tag}.example.com`;
      await address.fill(`${site}/`);
      await websites.getByRole('button', { name: 'Add website' }).click();
      await expect(websites.getByTestId('origins-status')).toHaveText('Saved.');
      await expect(websites.getByRole('list', { name: 'Allowed websites' })).toContainText(site);
      expect((await owner.settings()).allowed_origins).toContain(site);

      await websites.getByRole('button', { name: `Remove ${site}` }).click();
      await expect(websites.getByRole('list', { name: 'Allowed websites' }).getByText(site)).toHaveCount(0);
      await expect(websites.getByTestId('origins-status')).toHaveText('Saved.');
      expect((await owner.settings()).allowed_origins).toEqual(saved.allowed_origins);
    });

    await test.step('require verified identity: switch on, then back', async () => {
      const toggle = page.getByRole('switch', { name: 'Require verified identity' });
      const start = saved.require_verified_identity;
      await expect(toggle).toHaveAttribute('aria-checked', String(start));
      await toggle.click();
      await expect(toggle).toHaveAttribute('aria-checked', String(!start));
      await expect(page.getByTestId('identity-status')).toHaveText('Saved.');
      expect((await owner.settings()).require_verified_identity).toBe(!start);
      await toggle.click();
      await expect(toggle).toHaveAttribute('aria-checked', String(start));
      await expect(page.getByTestId('identity-status')).toHaveText('Saved.');
      expect((await owner.settings()).require_verified_identity).toBe(start);
    });

    await test.step('follow-up email: the page address checked in words, saved, kept after a reload, then put back', async () => {
      const section = region(page, 'Email visitors who left');
      const address = section.getByRole('textbox', { name: 'Address of the page with the chat' });
      const on = section.getByRole('checkbox', { name: 'Email visitors the replies they did not see' });
      await address.fill('');
      if (!(await on.isChecked())) await on.check();
      await section.getByRole('button', { name: 'Save follow-up' }).click();
      await expect(section.getByRole('alert')).toHaveText('Enter the address of the page with the chat: the email links there.');
      const helpPage = `https://shop-${tag}.example.com/help`;
      await address.fill(helpPage);
      await section.getByRole('button', { name: 'Save follow-up' }).click();
      await expect(section.getByText('Saved.')).toBeVisible();
      expect(await owner.settings()).toMatchObject({ website_url: helpPage, email_follow_up: true });
      await expectAccessible(page, 'agent settings: follow-up email on');

      await page.reload();
      await expect(region(page, 'Email visitors who left').getByRole('textbox', { name: 'Address of the page with the chat' })).toHaveValue(
        helpPage,
      );
      await expect(region(page, 'Email visitors who left').getByRole('checkbox')).toBeChecked();
      await owner.restore(saved);
      expect(await owner.settings()).toMatchObject({ website_url: saved.website_url, email_follow_up: saved.email_follow_up });
      await page.reload();
      await expect(settingsHeading(page)).toBeVisible();
    });

    let secret = '';
    await test.step('identity secret: generated (or rotated after a confirmation) and shown once', async () => {
      const section = region(page, 'Identity secret');
      if (saved.identity_secret_set) {
        await section.getByRole('button', { name: 'Rotate secret' }).click();
        const dialog = page.getByRole('dialog', { name: 'Rotate the identity secret?' });
        await expect(dialog).toContainText('Identity tokens signed with the old secret stop working');
        await dialog.getByRole('button', { name: 'Rotate secret' }).click();
      } else {
        await section.getByRole('button', { name: 'Generate secret' }).click();
      }
      const field = section.getByLabel('New identity secret');
      await expect(field).toBeFocused();
      secret = await field.inputValue();
      expect(secret).toMatch(/^ais_[A-Za-z0-9_-]{43}$/);
      await expect(section).toContainText('it will not be shown again');
      await section.getByRole('button', { name: 'Copy' }).click();
      await expect(section.getByText('Copied to the clipboard.')).toBeVisible();
      await expectAccessible(page, 'agent settings: the new secret, shown once');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
      await expect(section.getByTestId('secret-state')).toContainText(/A secret is set, created /);

      // Closed (Esc) and opened again: the secret is not shown any more.
      await page.keyboard.press('Escape');
      await expect(settingsHeading(page)).toHaveCount(0);
      await openSettingsFromMenu(page);
      await expect(region(page, 'Identity secret').getByLabel('New identity secret')).toHaveCount(0);
      await expect(region(page, 'Identity secret').getByRole('button', { name: 'Rotate secret' })).toBeVisible();
      await expect(page.getByText(secret)).toHaveCount(0);
    });

    await test.step('agent tokens: issued once, listed by prefix, revoked (then refused by the API)', async () => {
      const section = region(page, 'Agent tokens');
      await section.getByRole('button', { name: 'Issue token' }).click();
      const token = await section.getByLabel('New agent token').inputValue();
      expect(token.length).toBeGreaterThan(12);
      const prefix = token.slice(0, 12);
      const list = section.getByRole('list', { name: 'Agent tokens' });
      await expect(list).toContainText(`${prefix}…`);
      // The seeded "Welcome" thread has the demo agent in it: the token reads it as the agent.
      const threads = await request.get('/api/v1/chat/threads?limit=100', { headers: { authorization: `Bearer ${alice.me.token}` } });
      expect(threads.status(), await threads.text()).toBe(200);
      const welcome = ((await threads.json()) as { threads: { id: string; title: string | null }[] }).threads.find(
        (thread) => thread.title === 'Welcome',
      );
      expect(welcome, 'the seeded Welcome thread').toBeDefined();
      const asAgent = { authorization: `Bearer ${token}` };
      const agentRead = `/api/v1/chat/threads/${welcome!.id}`;
      expect((await request.get(agentRead, { headers: asAgent })).status()).toBe(200);

      await section.getByRole('button', { name: 'Done, I have copied it' }).click();
      await expect(page.getByText(token)).toHaveCount(0);

      await list.getByRole('button', { name: `Revoke token ${prefix}…` }).click();
      const dialog = page.getByRole('dialog', { name: `Revoke token ${prefix}…?` });
      await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
      await dialog.getByRole('button', { name: 'Revoke token' }).click();
      await expect(section.getByText(`Token ${prefix}… revoked: it no longer works.`)).toBeVisible();
      await expect(section.getByRole('heading', { name: 'Agent tokens' })).toBeFocused();
      await expect(section.getByText(`${prefix}…`, { exact: true })).toHaveCount(0);
      const refused = await request.get(agentRead, { headers: asAgent });
      expect(refused.status()).toBe(401);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    });

    await test.step('visitor threads: "Verified" with an identity token, "Unverified email" without', async () => {
      const sub = `e2e-customer-${tag}`;
      const identityToken = signIdentityToken(secret, {
        aud: SLUG,
        sub,
        email: `verified-${tag}@example.com`,
        name: `Verified ${tag}`,
        iat: Math.floor(Date.now() / 1000),
        exp: Math.floor(Date.now() / 1000) + 600,
      });
      const verified = await request.post(`/api/v1/chat/public/${SLUG}/threads`, { data: { identity_token: identityToken } });
      expect(verified.status(), await verified.text()).toBe(201);
      const verifiedThread = (await verified.json()) as { thread_id: string; verified: boolean };
      expect(verifiedThread.verified).toBe(true);

      const anonymous = await request.post(`/api/v1/chat/public/${SLUG}/threads`, {
        data: { email: `anon-${tag}@example.com`, name: `Anon ${tag}` },
      });
      expect(anonymous.status(), await anonymous.text()).toBe(201);
      const anonymousThread = (await anonymous.json()) as { thread_id: string; verified: boolean };
      expect(anonymousThread.verified).toBe(false);

      await page.keyboard.press('Escape');
      await page.reload();
      const verifiedRow = threadList(page).locator(`[data-thread-id="${verifiedThread.thread_id}"]`);
      const anonymousRow = threadList(page).locator(`[data-thread-id="${anonymousThread.thread_id}"]`);
      await expect(verifiedRow.getByTestId('visitor-trust')).toContainText('Verified');
      await expect(verifiedRow.getByTestId('visitor-trust')).not.toContainText('Unverified');
      await expect(verifiedRow).toHaveAccessibleName(/Verified: the agent's website signed this visitor's identity/);
      await expect(anonymousRow.getByTestId('visitor-trust')).toContainText('Unverified email');
      await expect(anonymousRow).toContainText(`anon-${tag}@example.com`);

      // The header says it too, and offers the owner the agent's settings; Esc comes back to the thread.
      await verifiedRow.click();
      const header = page.getByRole('region', { name: 'Conversation' }).locator('header');
      await expect(header.getByTestId('visitor-trust')).toContainText(`Verified`);
      await expect(header.getByTestId('visitor-trust')).toContainText(`verified-${tag}@example.com`);
      await header.getByRole('link', { name: 'Demo Agent settings' }).click();
      await expect(settingsHeading(page)).toBeFocused();
      await page.keyboard.press('Escape');
      await expect(page).toHaveURL(new RegExp(`#/thread/${verifiedThread.thread_id}$`));
      await expect(header.getByTestId('visitor-trust')).toBeVisible();
    });
  } finally {
    await owner.restore(saved);
    for (const id of await owner.tokenIds()) if (!tokensBefore.includes(id)) await owner.revoke(id);
  }
});

test('Bob owns no agent: no settings in his menu, and the settings address refuses him in words', async ({ page }) => {
  await signIn(page, BOB);
  await expect(page.getByText('Signed in as Bob')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Agent settings' })).toHaveCount(0);
  await page.goto('/#/agents');
  await expect(page.getByRole('heading', { name: 'Your agents', level: 2 })).toBeVisible();
  await expect(page.getByText('You do not own any agent, so there are no agent settings for you here.')).toBeVisible();
  await page.goto(`/#/agents/${SLUG}`);
  await expect(page.getByRole('alert')).toHaveText('Only this agent’s owners can see and change its settings.');
  await expectAccessible(page, 'agent settings refused');
});

/**
 * Helpers for the inbox end-to-end specs: the REST API as each demo user (to set up
 * threads and to read the server's log, the source of truth), signing in through the UI,
 * and reading the virtualized message list.
 */
import { randomUUID } from 'node:crypto';
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import type { InboxStrings } from '../../src/i18n/catalog-en.ts';

const PASSWORD = 'password123';
export const ALICE = 'alice@example.com';
export const BOB = 'bob@example.com';

export interface LoggedIn {
  token: string;
  user: { id: string; name: string; email: string };
  senderId: string;
}

export interface ThreadJson {
  id: string;
  title: string | null;
  last_seq: number;
  unread_count: number;
  participants: { sender_id: string; name: string }[];
  /** [ext] A public thread's visitor: their label and whether the website vouched for them. */
  visitor?: { sender_id: string; email: string | null; name: string | null; verified: boolean };
}

export interface EventJson {
  thread_seq: number;
  event_type: string;
  sender_id: string | null;
  content: string | null;
  data: Record<string, unknown>;
}

export interface AgentJson {
  id: string;
  sender_id: string;
  slug: string;
  name: string;
}

/**
 * The server process the REST helpers (and a second user's browser) talk to, when the
 * project names one (`metadata.peerURL`): in the cluster project, another process than the
 * one serving the pages, so every live update a page shows has crossed processes.
 * Undefined: the pages' own server.
 */
export function peerURL(): string | undefined {
  const peer = test.info().project.metadata?.peerURL as unknown;
  return typeof peer === 'string' ? peer : undefined;
}

/** A unique, short tag for this test's texts and titles. */
export const uniqueTag = () => randomUUID().slice(0, 8);

/** The REST API as one user: on the peer server when the project names one ({@link peerURL}), else on `request`'s baseURL. */
export class UserApi {
  private constructor(
    private readonly request: APIRequestContext,
    readonly me: LoggedIn,
    /** Prefix of every path: the peer server's URL, or '' for the request's baseURL. */
    private readonly base: string,
  ) {}

  /** `base`: the server to use; by default the peer ({@link peerURL}) or else `request`'s baseURL (''). */
  static async login(request: APIRequestContext, email: string, base = peerURL() ?? ''): Promise<UserApi> {
    const response = await request.post(`${base}/api/v1/auth/login`, { data: { email, password: PASSWORD } });
    expect(response.status(), await response.text()).toBe(200);
    const body = (await response.json()) as { token: string; user: LoggedIn['user'] };
    return new UserApi(request, { token: body.token, user: body.user, senderId: `user:${body.user.id}` }, base);
  }

  private get headers() {
    return { authorization: `Bearer ${this.me.token}` };
  }

  async createThread(input: {
    with: UserApi[];
    agents?: AgentJson[];
    title: string;
    mode?: 'open' | 'invocation_only';
  }): Promise<ThreadJson> {
    const response = await this.request.post(`${this.base}/api/v1/chat/threads`, {
      headers: this.headers,
      data: {
        target_user_ids: input.with.map((other) => other.me.user.id),
        agent_ids: (input.agents ?? []).map((agent) => agent.id),
        title: input.title,
        participation_mode: input.mode ?? 'open',
      },
    });
    expect(response.status(), await response.text()).toBe(201);
    return (await response.json()) as ThreadJson;
  }

  /** Sends a message as this user; `mentions` are the users it mentions (a `mention` notification each). */
  async send(threadId: string, content: string, mentions: UserApi[] = []): Promise<{ id: string; thread_seq: number }> {
    const response = await this.request.post(`${this.base}/api/v1/chat/threads/${threadId}/messages`, {
      headers: this.headers,
      data: { content, client_message_id: randomUUID(), mentions: mentions.map((other) => `user:${other.me.user.id}`) },
    });
    expect(response.status(), await response.text()).toBe(201);
    return ((await response.json()) as { message: { id: string; thread_seq: number } }).message;
  }

  async thread(threadId: string): Promise<ThreadJson> {
    const response = await this.request.get(`${this.base}/api/v1/chat/threads/${threadId}`, { headers: this.headers });
    expect(response.status()).toBe(200);
    return (await response.json()) as ThreadJson;
  }

  /**
   * Marks every thread of this user read. Earlier specs leave unread messages behind, and the
   * tab title stops counting at "(99+)": a spec that reads the count starts from zero.
   */
  async markAllRead(): Promise<void> {
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const response = await this.request.get(`${this.base}/api/v1/chat/threads?limit=50${query}`, { headers: this.headers });
      expect(response.status()).toBe(200);
      const page = (await response.json()) as { threads: ThreadJson[]; next_cursor: string | null };
      for (const thread of page.threads.filter((item) => item.unread_count > 0)) {
        const read = await this.request.post(`${this.base}/api/v1/chat/threads/${thread.id}/read`, {
          headers: this.headers,
          data: { seq: thread.last_seq },
        });
        expect(read.status(), await read.text()).toBe(200);
      }
      cursor = page.next_cursor;
    } while (cursor);
  }

  /** The thread's whole durable log, in seq order. */
  async events(threadId: string): Promise<EventJson[]> {
    const events: EventJson[] = [];
    for (let after = 0; ;) {
      const response = await this.request.get(`${this.base}/api/v1/chat/threads/${threadId}/events?last_thread_seq=${after}&limit=200`, {
        headers: this.headers,
      });
      expect(response.status()).toBe(200);
      const page = (await response.json()) as { events: EventJson[]; has_more: boolean };
      events.push(...page.events);
      after = page.events.at(-1)?.thread_seq ?? after;
      if (!page.has_more || page.events.length === 0) return events;
    }
  }

  /** The contents of the thread's committed messages, in seq order. */
  async messageContents(threadId: string, senderId?: string): Promise<string[]> {
    return (await this.events(threadId))
      .filter((event) => event.event_type === 'message_committed' && (senderId === undefined || event.sender_id === senderId))
      .map((event) => event.content ?? '');
  }

  async demoAgent(): Promise<AgentJson> {
    const response = await this.request.get(`${this.base}/api/v1/agents`, { headers: this.headers });
    expect(response.status()).toBe(200);
    const { agents } = (await response.json()) as { agents: AgentJson[] };
    const demo = agents.find((agent) => agent.slug === 'demo');
    expect(demo, 'the seeded demo agent').toBeDefined();
    return demo!;
  }
}

/** Signs in through the sign-in page; resolves once the thread list is shown. */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto('/');
  await fillSignIn(page, email);
}

/** Signs in on the sign-in page already open in `page`; resolves once the thread list is shown. */
export async function fillSignIn(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Threads' })).toBeVisible();
}

/** Signs in through the sign-in page in the words of `t` (the page's language); resolves once the thread list is shown. */
export async function signInAs(page: Page, t: InboxStrings, email = ALICE): Promise<void> {
  await page.goto('/');
  await page.getByLabel(t.signIn.email).fill(email);
  await page.getByLabel(t.signIn.password).fill(PASSWORD);
  await page.getByRole('button', { name: t.signIn.submit }).click();
  await expect(page.getByRole('navigation', { name: t.threadList.label })).toBeVisible();
}

export const threadList = (page: Page) => page.getByRole('navigation', { name: 'Threads' });

/** The thread list's button for a thread (its accessible name contains the title). */
export const threadButton = (page: Page, title: string) => threadList(page).getByRole('button', { name: title });

/** The open thread: header, messages, typing line and composer. */
export const conversation = (page: Page) => page.getByRole('region', { name: 'Conversation' });
export const scroller = (page: Page) => page.getByTestId('message-scroller');
export const composer = (page: Page) => page.getByRole('combobox', { name: 'Message' });
export const syncHealth = (page: Page) => page.getByTestId('sync-health');

/** Opens a thread from the list and waits until it is synced. */
export async function openThread(page: Page, title: string): Promise<void> {
  await threadButton(page, title).click();
  await expect(conversation(page).getByRole('heading', { name: title })).toBeVisible();
  await expect(syncHealth(page)).toHaveText('Synced', { timeout: 20_000 });
}

/** Waits until the open thread is synced up to `seq` (the header says "Synced"; the seq is its tooltip's). */
export async function expectSyncedTo(page: Page, seq: number): Promise<void> {
  await expect(syncHealth(page)).toHaveText('Synced');
  await expect(syncHealth(page)).toHaveAttribute('data-applied-seq', String(seq));
}

/** Writes a message in the composer and sends it with Enter. */
export async function write(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await expect(composer(page)).toHaveValue('');
}

/** The rows of the message list whose text contains `text` (only rows the virtualizer has rendered). */
export const rowsWith = (page: Page, text: string, kind = 'message'): Locator =>
  scroller(page).locator(`[data-row-kind="${kind}"]`).filter({ hasText: text });

export interface RowText {
  index: number;
  kind: string;
  text: string;
}

/**
 * Every row of the (virtualized) message list, read by scrolling it from top to bottom and
 * collecting rows by their index; ends scrolled to the bottom again. For threads whose
 * whole history is loaded (under 50 events), while nothing new arrives.
 */
export async function collectRows(page: Page): Promise<RowText[]> {
  return scroller(page).evaluate(async (element) => {
    const settle = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const rows = new Map<number, { kind: string; text: string }>();
    element.scrollTop = 0;
    await settle();
    for (let guard = 0; guard < 500; guard++) {
      for (const row of element.querySelectorAll<HTMLElement>('[data-row-kind]')) {
        rows.set(Number(row.dataset.index), { kind: row.dataset.rowKind ?? '', text: row.innerText });
      }
      if (element.scrollTop + element.clientHeight >= element.scrollHeight - 1) break;
      element.scrollTop += Math.max(50, element.clientHeight / 2);
      await settle();
    }
    element.scrollTop = element.scrollHeight;
    await settle();
    return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([index, row]) => ({ index, ...row }));
  });
}

/**
 * Checks that the message rows are exactly `contents`, each once and in this order: every
 * message row contains exactly one of the (unique, non-overlapping) contents, and reading
 * them top to bottom gives the list.
 */
export function expectMessagesInOrder(rows: RowText[], contents: string[], kinds = ['message']): void {
  for (const a of contents) {
    for (const b of contents) if (a !== b) expect(b.includes(a), `"${a}" is part of "${b}": the check would be ambiguous`).toBe(false);
  }
  const seen = rows
    .filter((row) => kinds.includes(row.kind))
    .map((row) => {
      const matches = contents.filter((content) => row.text.includes(content));
      expect(matches.length, `row ${row.index} (${row.kind}) should show exactly one expected message: ${JSON.stringify(row.text)}`).toBe(
        1,
      );
      return matches[0]!;
    });
  expect(seen).toEqual(contents);
}

/** The tab's unread count from its title ("(3) Inbox" → 3, "Inbox" → 0). */
export async function titleUnread(page: Page): Promise<number> {
  const title = await page.title();
  const match = /^\((\d+)\) /.exec(title);
  return match ? Number(match[1]) : 0;
}

/**
 * Posts many messages fast: `concurrency` requests in flight over keep-alive connections.
 * Their order in the log follows commit order, not `texts` order.
 */
export async function seedMessages(baseURL: string, token: string, threadId: string, texts: string[], concurrency = 32): Promise<void> {
  let next = 0;
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < texts.length) {
        const content = texts[next++]!;
        const response = await fetch(`${baseURL}/api/v1/chat/threads/${threadId}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ content, client_message_id: randomUUID() }),
        });
        if (response.status !== 201) failures.push(`${response.status} ${await response.text()}`);
        else await response.arrayBuffer();
      }
    }),
  );
  expect(failures, 'seeding failures').toEqual([]);
}

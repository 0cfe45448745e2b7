import type { APIRequestContext, BrowserContext, CDPSession, Page, Worker } from '@playwright/test';
import { LocalPushService, type LocalSubscription } from '../server/test/support/push-service.ts';
import type { PushPayload } from '../src/core/protocol/notifications.ts';
import { expect, test } from './fixtures/alice-and-bob.ts';
import { conversation, signIn, ALICE, type UserApi } from './support/inbox.ts';

/**
 * The inbox's service worker (/sw.js) registered for real in Chromium, with pushes the server
 * really made: Alice's push subscription points at a local push service (it checks VAPID and
 * decrypts the RFC 8291 payload, server/test/support/push-service.ts), the demo agent asks for
 * an approval, and the payload the service decrypted is delivered to the worker through the
 * Chrome DevTools Protocol (`ServiceWorker.deliverPushMessage`), as a browser's push service
 * would. Shown notifications are read with `registration.getNotifications()`; clicks are
 * `notificationclick` events dispatched in the worker (a headless browser has no pop-up to click).
 *
 * Approvals expire after APPROVAL_TTL_MS (8 s in playwright.config.ts): a test decides soon
 * after the push arrived.
 */

interface ShownNotification {
  title: string;
  body: string;
  tag: string;
  actions: { action: string; title: string }[];
}

/** What the worker exposes for devtools and tests (src/service-worker/worker/sw.ts). */
interface WorkerGlobal {
  registration: ServiceWorkerRegistration;
  ama2Version: string;
  ama2PushesHandled: number;
  __clicked?: Notification;
}

let pushService: LocalPushService;
test.beforeAll(async () => {
  pushService = await LocalPushService.start();
});
test.afterAll(async () => {
  await pushService?.close();
});

/** The push subscriptions a test made, removed after it (each push to a closed service would be retried). */
const made: { request: APIRequestContext; token: string; id: string }[] = [];
/** How long the log of a thread must stay the same to count as settled. */
const LOG_SETTLE_MS = 1_000;
/**
 * The approvals a test left pending, rejected after it: else each expires a few seconds later,
 * and the agent's words about it arrive, unread, while the next spec counts Alice's unread.
 */
const pending: { request: APIRequestContext; token: string; threadId: string; approvalId: string }[] = [];
test.afterEach(async () => {
  for (const { request, token, id } of made.splice(0)) {
    await request.delete(`/api/v1/me/push-subscriptions/${id}`, { headers: { authorization: `Bearer ${token}` } });
  }
  for (const { request, token, threadId, approvalId } of pending.splice(0)) {
    const headers = { authorization: `Bearer ${token}` };
    // 409: decided in the test already (or expired): nothing left to wait for.
    const decided = await request.post(`/api/v1/chat/threads/${threadId}/approvals/${approvalId}`, {
      headers,
      data: { decision: 'reject' },
    });
    if (decided.status() !== 200) continue;
    // What the agent does after it (its run ends, maybe a word) is in the log before the next test starts: the log has stopped growing.
    let seen = -1;
    await expect
      .poll(
        async () => {
          const page = await request.get(`/api/v1/chat/threads/${threadId}/events?last_thread_seq=0&limit=200`, { headers });
          const { events } = (await page.json()) as { events: unknown[] };
          const settled = events.length === seen;
          seen = events.length;
          return settled;
        },
        { intervals: [LOG_SETTLE_MS] },
      )
      .toBe(true);
  }
});

/** Alice's subscription of this browser, registered through the API with the local push service's endpoint and keys. */
async function subscribe(request: APIRequestContext, alice: UserApi): Promise<LocalSubscription> {
  const subscription = pushService.subscribe();
  const response = await request.post('/api/v1/me/push-subscriptions', {
    headers: { authorization: `Bearer ${alice.me.token}` },
    data: { endpoint: subscription.endpoint, keys: subscription.keys },
  });
  expect(response.status(), await response.text()).toBe(201);
  made.push({ request, token: alice.me.token, id: ((await response.json()) as { id: string }).id });
  return subscription;
}

/** The payload of the `approval_pending` push the server sent to `subscription` for `threadId`. */
async function approvalPushed(subscription: LocalSubscription, threadId: string): Promise<PushPayload> {
  const find = () =>
    pushService.received.find((push) => {
      const payload = push.payload as PushPayload;
      return push.subscriptionId === subscription.id && payload.kind === 'approval_pending' && payload.thread_id === threadId;
    });
  await expect.poll(() => Boolean(find()), { timeout: 15_000 }).toBe(true);
  return find()!.payload as PushPayload;
}

/** A new thread of Alice, Bob and the demo agent in which the agent asks Alice's approval; its push payload. */
async function pendingApproval(
  request: APIRequestContext,
  alice: UserApi,
  bob: UserApi,
  subscription: LocalSubscription,
  title: string,
): Promise<{ threadId: string; payload: PushPayload }> {
  const thread = await alice.createThread({ with: [bob], agents: [await alice.demoAgent()], title });
  await alice.send(thread.id, `/approve ${title}`);
  const payload = await approvalPushed(subscription, thread.id);
  if (payload.actions) pending.push({ request, token: alice.me.token, threadId: thread.id, approvalId: payload.actions.approval_id });
  return { threadId: thread.id, payload };
}

/** Signs Alice in (the inbox registers the worker), with notifications allowed; the running worker. */
async function inboxWithWorker(context: BrowserContext, page: Page): Promise<Worker> {
  await context.grantPermissions(['notifications']);
  await signIn(page, ALICE);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  expect(worker.url()).toMatch(/\/sw\.js$/);
  return worker;
}

/** DevTools on a blank page (no inbox window): pushes are delivered through it. */
class PushDelivery {
  private constructor(
    private readonly cdp: CDPSession,
    private readonly origin: string,
    private readonly registrationId: string,
  ) {}

  static async open(context: BrowserContext, baseURL: string): Promise<PushDelivery> {
    const blank = await context.newPage();
    const cdp = await context.newCDPSession(blank);
    const origin = new URL(baseURL).origin;
    const registrationId = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const ours = registrations.find((registration) => registration.scopeURL === `${origin}/` && !registration.isDeleted);
        if (ours) resolve(ours.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');
    return new PushDelivery(cdp, origin, await registrationId);
  }

  async deliver(worker: Worker, payload: PushPayload): Promise<void> {
    const before = await handled(worker);
    await this.cdp.send('ServiceWorker.deliverPushMessage', {
      origin: this.origin,
      registrationId: this.registrationId,
      data: JSON.stringify(payload),
    });
    // The worker counts each push it finished with: the test then reads what it showed.
    await expect.poll(() => handled(worker)).toBe(before + 1);
  }
}

const handled = (worker: Worker) => worker.evaluate(() => (self as unknown as WorkerGlobal).ama2PushesHandled);

/** The notifications the worker shows now with `tag` (all of them without one). */
const shown = (worker: Worker, tag?: string) =>
  worker.evaluate(async (tag) => {
    const notifications = await (self as unknown as WorkerGlobal).registration.getNotifications(tag ? { tag } : undefined);
    return notifications.map((item) => ({
      title: item.title,
      body: item.body,
      tag: item.tag,
      actions: ((item as unknown as { actions?: { action: string; title: string }[] }).actions ?? []).map(({ action, title }) => ({
        action,
        title,
      })),
    }));
  }, tag) as Promise<ShownNotification[]>;

/**
 * Clicks `action` of the notification tagged `tag`, as the browser would: a `notificationclick`
 * event in the worker. `again` clicks the notification clicked last time once more (the
 * browser may still show it, e.g. when the outcome could not replace it).
 */
async function click(worker: Worker, tag: string, action: string, again = false): Promise<void> {
  await worker.evaluate(
    async ([tag, action, again]) => {
      // The worker's globals (the e2e project's lib is the DOM's, not WebWorker's).
      const scope = self as unknown as WorkerGlobal & {
        NotificationEvent: new (type: string, init: { notification: Notification; action: string }) => Event;
      };
      const notification = again ? scope.__clicked : (await scope.registration.getNotifications({ tag }))[0];
      if (!notification) throw new Error(`no notification tagged ${tag}`);
      scope.__clicked = notification;
      self.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification, action }));
    },
    [tag, action, again] as const,
  );
}

/** The decisions in the thread's log (`approval_resolved`), as the API gives them. */
async function decisions(alice: UserApi, threadId: string): Promise<unknown[]> {
  return (await alice.events(threadId)).filter((event) => event.event_type === 'approval_resolved').map((event) => event.data.decision);
}

test.describe('the inbox’s service worker shows pushed notifications', () => {
  test('shown with its title, body, tag and actions while no inbox tab is visible; once however often it arrives', async ({
    context,
    page,
    alice,
    bob,
    tag,
    request,
    baseURL,
  }) => {
    const worker = await inboxWithWorker(context, page);
    expect(await worker.evaluate(() => (self as unknown as WorkerGlobal).ama2Version)).toMatch(/^[0-9a-f]{12}$/);
    const subscription = await subscribe(request, alice);
    const delivery = await PushDelivery.open(context, baseURL!);
    await page.close();

    const maxActions = await worker.evaluate(() => (Notification as unknown as { maxActions: number }).maxActions);
    expect(maxActions).toBeGreaterThanOrEqual(2);
    const { payload } = await pendingApproval(request, alice, bob, subscription, `Push shown ${tag}`);
    expect(payload.actions?.action_token).toMatch(/^\S+$/);
    await delivery.deliver(worker, payload);
    expect(await shown(worker, payload.notification_id)).toEqual([
      {
        title: payload.title,
        body: payload.body,
        tag: payload.notification_id,
        // The decision first, then Open, as many as the browser shows (Chromium: 2; a click on the body opens the thread).
        actions: [
          { action: 'approve', title: 'Approve' },
          { action: 'reject', title: 'Reject' },
          { action: 'open', title: 'Open' },
        ].slice(0, maxActions),
      },
    ]);

    // Delivered again (push is at least once): still one notification.
    await delivery.deliver(worker, payload);
    expect(await shown(worker, payload.notification_id)).toHaveLength(1);

    // A payload that is not a notification shows nothing and breaks nothing.
    await delivery.deliver(worker, { ...payload, notification_id: `bad-${tag}`, kind: 'gossip' } as unknown as PushPayload);
    expect(await shown(worker, `bad-${tag}`)).toEqual([]);
    expect(await shown(worker)).toHaveLength(1);
  });

  test('nothing is shown while an inbox tab is visible: that tab tells the user', async ({
    context,
    page,
    alice,
    bob,
    tag,
    request,
    baseURL,
  }) => {
    const worker = await inboxWithWorker(context, page);
    const subscription = await subscribe(request, alice);
    const delivery = await PushDelivery.open(context, baseURL!);
    await page.bringToFront();
    expect(await page.evaluate(() => document.visibilityState)).toBe('visible');

    const { payload } = await pendingApproval(request, alice, bob, subscription, `Push visible ${tag}`);
    await delivery.deliver(worker, payload);
    expect(await shown(worker, payload.notification_id)).toEqual([]);
  });

  test('Approve from the notification decides the approval; a second click says it is already decided', async ({
    context,
    page,
    alice,
    bob,
    tag,
    request,
    baseURL,
  }) => {
    const worker = await inboxWithWorker(context, page);
    const subscription = await subscribe(request, alice);
    const delivery = await PushDelivery.open(context, baseURL!);
    await page.close();

    const { threadId, payload } = await pendingApproval(request, alice, bob, subscription, `Push approve ${tag}`);
    await delivery.deliver(worker, payload);
    await click(worker, payload.notification_id, 'approve');

    // The outcome replaces the approval's notification (same tag), with Open only.
    await expect
      .poll(() => shown(worker, payload.notification_id))
      .toEqual([{ title: payload.title, body: 'Approved', tag: payload.notification_id, actions: [{ action: 'open', title: 'Open' }] }]);
    expect(await decisions(alice, threadId)).toEqual(['approve']);

    // The token is spent: the server answers 409, and the notification says so in words.
    await click(worker, payload.notification_id, 'approve', true);
    await expect.poll(async () => (await shown(worker, payload.notification_id)).map((item) => item.body)).toEqual(['Already decided']);
    expect(await decisions(alice, threadId)).toEqual(['approve']);

    // A repeated delivery of the decided approval shows nothing new.
    await delivery.deliver(worker, payload);
    expect((await shown(worker, payload.notification_id)).map((item) => item.body)).toEqual(['Already decided']);
  });

  test('Open shows the thread in the inbox window', async ({ context, page, alice, bob, tag, request, baseURL }) => {
    const worker = await inboxWithWorker(context, page);
    const subscription = await subscribe(request, alice);
    const delivery = await PushDelivery.open(context, baseURL!);
    const inboxUrl = page.url();
    await page.close();

    const { threadId, payload } = await pendingApproval(request, alice, bob, subscription, `Push open ${tag}`);
    await delivery.deliver(worker, payload);

    expect(await shown(worker, payload.notification_id)).toHaveLength(1);
    // The inbox is opened again, and Open is clicked.
    const inbox = await context.newPage();
    await inbox.goto(inboxUrl);
    await expect(inbox.getByRole('navigation', { name: 'Threads' })).toBeVisible();
    await click(worker, payload.notification_id, 'open');
    await expect(inbox).toHaveURL(new RegExp(`#/thread/${threadId}$`));
    await expect(conversation(inbox).getByRole('heading', { name: `Push open ${tag}` })).toBeVisible();
    // Opened: the notification is closed.
    expect(await shown(worker, payload.notification_id)).toEqual([]);
  });
});

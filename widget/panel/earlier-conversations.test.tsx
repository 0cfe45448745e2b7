import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeServer, mountTestPanel, press, THREAD, TOKEN, unmountAll, VISITOR, type Harness } from './testing/panel-harness.ts';

afterEach(() => unmountAll());

const KNOWN = { email: 'ada@example.com', name: 'Ada', threadId: THREAD, senderId: VISITOR, visitorToken: TOKEN };
const EARLIER = 'thread-earlier';
/** How long a test waits for the history chunk's first load (a cold module transform on a busy machine). */
const CHUNK_WAIT = { timeout: 10_000 };
/** A test's whole time, with room for that wait. */
const TEST_TIMEOUT_MS = 20_000;

const text = (harness: Harness) => harness.dialog().textContent ?? '';
const button = (harness: Harness, name: string) =>
  [...harness.dialog().querySelectorAll('button')].find(
    (candidate) => (candidate.getAttribute('aria-label') ?? candidate.textContent) === name,
  );
const question = (harness: Harness) => harness.dialog().querySelector('[role="alertdialog"]');

/** Clicks "New conversation" and waits for its question (its chunk loads on the first tap). */
async function askRestart(harness: Harness, label = 'New conversation'): Promise<HTMLElement> {
  act(() => button(harness, label)!.click());
  return vi.waitFor(async () => {
    await harness.settle();
    const dialog = question(harness);
    if (!(dialog instanceof HTMLElement)) throw new Error('no question yet');
    return dialog;
  }, CHUNK_WAIT);
}

async function inConversation(server = new FakeServer(), locale?: string) {
  server.supportsFresh = true;
  server.message(VISITOR, 'old question');
  const harness = await mountTestPanel({ record: KNOWN, server, ...(locale ? { locale } : {}) });
  await act(() => harness.connection.open());
  await harness.settle();
  act(() => harness.controller.opened());
  return harness;
}

/** A server that lists one earlier conversation of the visitor besides the open one. */
function listingServer(): FakeServer {
  const server = new FakeServer();
  server.api.listThreads.mockImplementation(async () => ({
    threads: [
      { id: THREAD, status: 'open', last_message: null, updated_at: new Date().toISOString() },
      {
        id: EARLIER,
        status: 'resolved',
        last_message: { sender_id: VISITOR, content: 'Where is my order?', created_at: '2026-01-01T12:00:00.000Z' },
        // Two and a half days ago: "2 days ago" whatever the second the panel reads the clock.
        updated_at: new Date(Date.now() - 60 * 3600_000).toISOString(),
      },
    ],
  }));
  return server;
}

describe('"New conversation" asks first (issue 23 item 8)', () => {
  it(
    'Escape while the question shows cancels it wherever the focus is in the panel (the composer, before the focus moved in), and the panel stays open',
    async () => {
      const harness = await inConversation();
      await askRestart(harness);
      const composer = harness.dialog().querySelector('textarea')!;
      act(() => composer.focus());
      act(() => void press(composer, 'Escape'));
      expect(question(harness)).toBeNull();
      expect(harness.host.requestClose).not.toHaveBeenCalled();
      expect(harness.shadowRoot.activeElement).toBe(button(harness, 'New conversation'));
      expect(text(harness)).toContain('old question');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'Cancel and Escape keep the conversation, give the focus back, and leave the panel open',
    async () => {
      const harness = await inConversation();
      const dialog = await askRestart(harness);
      expect(dialog.textContent).toBe('Start a new conversation?This conversation will no longer be shown here.CancelStart new');
      expect(harness.shadowRoot.activeElement).toBe(button(harness, 'Cancel'));

      act(() => void press(harness.shadowRoot.activeElement!, 'Escape'));
      expect(question(harness)).toBeNull();
      expect(harness.host.requestClose).not.toHaveBeenCalled();
      expect(harness.shadowRoot.activeElement).toBe(button(harness, 'New conversation'));

      await askRestart(harness);
      act(() => button(harness, 'Cancel')!.click());
      await harness.settle();
      expect(question(harness)).toBeNull();
      expect(text(harness)).toContain('old question');
      expect(harness.record().threadId).toBe(THREAD);

      await askRestart(harness);
      act(() => button(harness, 'Start new')!.click());
      await harness.settle();
      expect(harness.record().threadId).toBe('thread-2');
      expect(text(harness)).not.toContain('old question');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'asks in German, and says the conversation stays under "Frühere Gespräche" where the server lists them',
    async () => {
      const harness = await inConversation(listingServer(), 'de-DE');
      expect((await askRestart(harness, 'Neues Gespräch')).textContent).toBe(
        'Ein neues Gespräch beginnen?Zu diesem kommen Sie unter „Frühere Gespräche“ zurück.AbbrechenNeu beginnen',
      );
    },
    TEST_TIMEOUT_MS,
  );
});

describe('"Earlier conversations" (CONTRACT §7 "my conversations")', () => {
  it(
    'is not offered by a server without the list (404)',
    async () => {
      const harness = await inConversation();
      expect(harness.server.api.listThreads).toHaveBeenCalledWith('demo', TOKEN);
      expect(button(harness, 'Earlier conversations')).toBeUndefined();
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'lists the other conversations and opens the chosen one with its id',
    async () => {
      const harness = await inConversation(listingServer());
      act(() => button(harness, 'Earlier conversations')!.click());
      // The list is a chunk of its own, loaded on this first use.
      const rows = () => [...harness.dialog().querySelectorAll('li button')].map((row) => row.textContent);
      await vi.waitFor(async () => {
        await harness.settle();
        expect(rows()).toEqual(['You: Where is my order?2 days ago · Resolved']);
      }, CHUNK_WAIT);

      act(() => button(harness, 'You: Where is my order?2 days ago · Resolved')!.click());
      await harness.settle();
      expect(harness.engineInputs.at(-1)).toMatchObject({ threadId: EARLIER, visitorToken: TOKEN, selfSenderId: VISITOR });
      expect(harness.record()).toMatchObject({ threadId: EARLIER, visitorToken: TOKEN });
    },
    TEST_TIMEOUT_MS,
  );
});

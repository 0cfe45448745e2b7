import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rememberOpen, visitorKey } from '../shared/visitor-store.ts';
import { firstLine } from './reply-preview.tsx';
import { mountTestPanel, SERVER, THREAD, TOKEN, unmountAll, VISITOR, type Harness } from './testing/panel-harness.ts';

afterEach(() => unmountAll());

const ALICE = 'user:u-alice';
const KNOWN = { email: 'ada@example.com', name: 'Ada', threadId: THREAD, senderId: VISITOR, visitorToken: TOKEN };

async function inConversation(locale = 'en') {
  const harness = await mountTestPanel({ record: KNOWN, locale });
  await act(() => harness.connection.open());
  await harness.settle();
  return harness;
}

/** The region above the launcher (beside the panel's frame, in the shadow root). */
const region = (harness: Harness) => harness.shadowRoot.querySelector<HTMLElement>('.ama-preview')!;

/** Alice takes over and replies live, as the public socket delivers it. */
async function aliceReplies(harness: Harness, content: string) {
  const handoff = harness.server.commit({ event_type: 'handoff', sender_id: ALICE, data: { to: ALICE, name: 'Alice', by: ALICE } });
  act(() => harness.connection.deliver({ type: 'thread_event', thread_id: THREAD, data: handoff }));
  const reply = harness.server.message(ALICE, content);
  act(() => harness.connection.deliver({ type: 'thread_message', thread_id: THREAD, data: reply }));
  await harness.settle();
  return reply;
}

/** How long the preview's chunk (closing-ui.ts, loaded with the first reply while closed) may take to load in a test. */
const CHUNK_WAIT = { timeout: 10_000 };

/** Waits for the preview to show (its chunk loads on demand). */
async function previewShown(harness: Harness): Promise<void> {
  await vi.waitFor(() => expect(region(harness).textContent).not.toBe(''), CHUNK_WAIT);
}

describe('a reply while the panel is closed (issue 23 item 11)', () => {
  it('shows above the launcher with the sender’s name and first line in a polite live region, and goes when the panel opens', async () => {
    const harness = await inConversation();
    expect(region(harness).getAttribute('aria-live')).toBe('polite');
    expect(region(harness).textContent).toBe('');

    await aliceReplies(harness, '**Your parcel** left today.\nTracking follows.');
    await previewShown(harness);
    expect(region(harness).textContent).toBe('New reply: AliceYour parcel left today.');
    expect(region(harness).querySelector('[aria-label="Dismiss"]')).not.toBeNull();
    // (The panel's frame is hidden while closed: the preview is outside it.)
    expect(harness.dialog().contains(region(harness))).toBe(false);

    act(() => region(harness).querySelector('button')!.click());
    expect(harness.host.requestOpen).toHaveBeenCalledTimes(1);
    act(() => harness.controller.opened());
    await harness.settle();
    // Opening focuses the message box, which starts loading the upload tray's chunk: in a test that can outlast settle().
    await vi.waitFor(() => expect(region(harness).textContent).toBe(''), CHUNK_WAIT);
  });

  it('is dismissed by its button and by Escape, and is not shown again for the same reply; German words', async () => {
    const harness = await inConversation('de');
    const reply = await aliceReplies(harness, 'Hallo!');
    await previewShown(harness);
    expect(region(harness).textContent).toBe('Neue Antwort: AliceHallo!');
    act(() => region(harness).querySelector<HTMLElement>('[aria-label="Ausblenden"]')!.click());
    expect(region(harness).textContent).toBe('');
    // The same reply delivered again (a reconnect's catch-up) stays dismissed.
    act(() => harness.connection.deliver({ type: 'thread_message', thread_id: THREAD, data: reply }));
    await harness.settle();
    expect(region(harness).textContent).toBe('');

    await aliceReplies(harness, 'Noch etwas.');
    await previewShown(harness);
    const open = region(harness).querySelector('button')!;
    act(() => {
      open.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    expect(region(harness).textContent).toBe('');
  });

  it('says nothing while the panel is open', async () => {
    const harness = await inConversation();
    act(() => harness.controller.opened());
    await aliceReplies(harness, 'Hi there');
    expect(region(harness).textContent).toBe('');
  });

  it('reads a reply’s first line of words', () => {
    expect(firstLine('\n\n# Heading\nmore')).toBe('Heading');
    expect(firstLine('- `code` and **bold**')).toBe('code and bold');
    expect(firstLine('> quoted')).toBe('quoted');
    expect(firstLine('')).toBe('');
  });
});

describe('the panel opened again by a reload (issue 23 item 11)', () => {
  it('keeps the focus on the page when this tab left the panel open, and moves it in when the visitor opens it', async () => {
    rememberOpen(visitorKey(SERVER, 'demo'), true);
    const restored = await inConversation();
    act(() => restored.controller.opened());
    await restored.settle();
    expect(restored.shadowRoot.activeElement).toBeNull();
    unmountAll();

    const opened = await inConversation();
    act(() => opened.controller.opened());
    await opened.settle();
    expect(opened.shadowRoot.activeElement?.getAttribute('aria-label')).toBe('Message');
    act(() => opened.controller.closed());
    expect(sessionStorage.getItem(visitorKey(SERVER, 'demo'))).toBeNull();
  });
});

/**
 * The website erases the visitor while the panel runs their conversation (CONTRACT §14): the
 * `thread_deleted` frame ends it in words (or, when the widget missed it, the `404` for the
 * thread or the `401` for the revoked token), the device forgets the visitor, nothing starts on
 * its own, and what the visitor had typed stays for the new conversation.
 */
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/core/api/api-error.ts';
import { visitorKey } from '../shared/visitor-store.ts';
import { mountTestPanel, SERVER, THREAD, TOKEN, typeInto, unmountAll, VISITOR, type Harness } from './testing/panel-harness.ts';

afterEach(unmountAll);

const KNOWN = { email: 'ada@example.com', name: 'Ada', threadId: THREAD, senderId: VISITOR, visitorToken: TOKEN };
const ERASED = 'This conversation is no longer available: it was deleted by the website.';
/** How long a test waits for the privacy chunk's first load (a cold module transform on a busy machine). */
const CHUNK_WAIT = { timeout: 10_000 };

const composer = (harness: Harness) => harness.dialog().querySelector('textarea');
const statusTexts = (harness: Harness) => [...harness.dialog().querySelectorAll('[role="status"]')].map((node) => node.textContent);
const button = (harness: Harness, name: string) =>
  [...harness.dialog().querySelectorAll('button')].find((candidate) => candidate.textContent === name);

async function inConversation(open: boolean) {
  const harness = await mountTestPanel({ record: KNOWN });
  await act(() => harness.connection.open());
  if (open) act(() => harness.controller.opened());
  await harness.settle();
  return harness;
}

/** The server erases the visitor: `thread_deleted` on the public socket, then the socket closes for the revoked token. */
function erase(harness: Harness) {
  const farewell = harness.server.commit({ event_type: 'thread_deleted', sender_id: 'user:owner-1', data: { reason: 'owner' } });
  act(() => harness.connection.deliver({ type: 'thread_event', thread_id: THREAD, data: farewell }));
  act(() => harness.connection.setState({ status: 'failed', reason: 'invalid visitor token', code: 4001 }));
}

describe('the website erased the conversation', () => {
  it('while open: says so in words, forgets the visitor here, starts nothing, and keeps the typed text', async () => {
    const harness = await inConversation(true);
    typeInto(composer(harness)!, 'one more question');
    erase(harness);
    await harness.settle();

    await expect.poll(() => statusTexts(harness), CHUNK_WAIT).toContain(ERASED);
    expect(harness.dialog().querySelector(`[data-gone="erased"]`)?.textContent).toBe(ERASED);
    // Forgotten on this device, and no new conversation behind the visitor's back (the 4001 is not re-resolved).
    expect(harness.storage.getItem(visitorKey(SERVER, 'demo'))).toBeNull();
    expect(harness.server.api.resolveThread).toHaveBeenCalledTimes(1);
    expect(harness.events('error')).toContainEqual(expect.objectContaining({ code: 'conversation_erased' }));
    expect(composer(harness)).toBeNull();

    act(() => button(harness, 'Start a new conversation')!.click());
    await harness.settle();
    expect(statusTexts(harness)).not.toContain(ERASED);
    // The first run, with what the visitor had typed still in the box; sending it starts a conversation as a new visitor.
    expect(composer(harness)!.value).toBe('one more question');
    expect(harness.server.api.resolveThread).toHaveBeenCalledTimes(1);
  });

  it('while closed: opening the panel shows the words once', async () => {
    const harness = await inConversation(false);
    erase(harness);
    await harness.settle();
    expect(harness.storage.getItem(visitorKey(SERVER, 'demo'))).toBeNull();

    act(() => harness.controller.opened());
    await expect.poll(() => statusTexts(harness), CHUNK_WAIT).toContain(ERASED);
    expect(statusTexts(harness).filter((text) => text === ERASED)).toHaveLength(1);
    expect(harness.dialog().textContent).not.toContain('a new one was started');
  });

  it('a 404 for the thread when catching up after a reconnect (the frame was missed): the same end state', async () => {
    const harness = await inConversation(true);
    harness.server.historyError = new ApiError('not_found', 'Not found.', false, 404);
    act(() => harness.connection.drop());
    await act(() => harness.connection.open());
    await harness.settle();

    await expect.poll(() => statusTexts(harness), CHUNK_WAIT).toContain(ERASED);
    expect(harness.storage.getItem(visitorKey(SERVER, 'demo'))).toBeNull();
    expect(harness.server.api.resolveThread).toHaveBeenCalledTimes(1);
  });

  // Offline (or asleep) during the erasure: no thread_deleted heard, only the revoked token refused on reconnecting.
  it('a 4001 "invalid visitor token" without the thread_deleted: the same end state, nothing resolved again', async () => {
    const harness = await inConversation(true);
    typeInto(composer(harness)!, 'are you still there?');
    act(() => harness.connection.setState({ status: 'failed', reason: 'invalid visitor token', code: 4001 }));
    await harness.settle();

    await expect.poll(() => statusTexts(harness), CHUNK_WAIT).toContain(ERASED);
    expect(harness.storage.getItem(visitorKey(SERVER, 'demo'))).toBeNull();
    expect(harness.server.api.resolveThread).toHaveBeenCalledTimes(1);
    expect(harness.events('error')).toContainEqual(expect.objectContaining({ code: 'conversation_erased' }));
    expect(harness.dialog().textContent).not.toContain('a new one was started');
    act(() => button(harness, 'Start a new conversation')!.click());
    await harness.settle();
    expect(composer(harness)!.value).toBe('are you still there?');
  });

  it('a 401 for the revoked token when catching up after a reconnect: the same end state, nothing resolved again', async () => {
    const harness = await inConversation(true);
    harness.server.historyError = new ApiError(
      'unauthorized',
      'This visitor token is not valid; start the conversation again.',
      false,
      401,
    );
    act(() => harness.connection.drop());
    await act(() => harness.connection.open());
    await harness.settle();

    await expect.poll(() => statusTexts(harness), CHUNK_WAIT).toContain(ERASED);
    expect(harness.storage.getItem(visitorKey(SERVER, 'demo'))).toBeNull();
    expect(harness.server.api.resolveThread).toHaveBeenCalledTimes(1);
  });

  it('an expired token (4001 "visitor token expired") is no erasure: resolved again as before', async () => {
    const harness = await inConversation(true);
    harness.server.resetData();
    act(() => harness.connection.setState({ status: 'failed', reason: 'visitor token expired', code: 4001 }));
    await harness.settle();
    expect(harness.server.api.resolveThread).toHaveBeenCalledTimes(2);
    expect(harness.dialog().querySelector('[data-gone]')).toBeNull();
  });

  // The visitor's own erasure reaches the panel (thread_deleted, then 4001) before the DELETE's answer does.
  it("the visitor deletes it themselves: their own words, not the website's, whichever arrives first", async () => {
    const harness = await inConversation(true);
    const answer = harness.server.api.eraseVisitor.getMockImplementation()!;
    harness.server.api.eraseVisitor.mockImplementationOnce(async (slug: string, token: string) => {
      erase(harness);
      await harness.settle();
      return answer(slug, token);
    });
    const open = [...harness.dialog().querySelectorAll('button')].find(
      (candidate) => candidate.getAttribute('aria-label') === 'Delete this conversation',
    );
    act(() => open!.click());
    await expect.poll(() => button(harness, 'Delete'), CHUNK_WAIT).toBeTruthy();
    await act(async () => button(harness, 'Delete')!.click());
    await harness.settle();

    await expect.poll(() => statusTexts(harness), CHUNK_WAIT).toContain('Your conversation was deleted.');
    expect(statusTexts(harness)).not.toContain(ERASED);
    expect(harness.events('error')).not.toContainEqual(expect.objectContaining({ code: 'conversation_erased' }));
    expect(harness.storage.getItem(visitorKey(SERVER, 'demo'))).toBeNull();
  });
});

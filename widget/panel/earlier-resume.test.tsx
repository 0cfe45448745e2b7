import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/core/api/api-error.ts';
import { visitorKey } from '../shared/visitor-store.ts';
import { StorageHub } from './testing/storage-hub.ts';
import { FakeServer, mountTestPanel, SERVER, THREAD, TOKEN, unmountAll, VISITOR, type Harness } from './testing/panel-harness.ts';

afterEach(() => unmountAll());

const KNOWN = { name: 'Ada', threadId: THREAD, senderId: VISITOR, visitorToken: TOKEN };
const EARLIER = 'thread-earlier';
/** Where this tab keeps the conversation it shows (viewed-thread.ts). */
const VIEWING = `${visitorKey(SERVER, 'demo')}:viewing`;
/** How long a test waits for the history chunk's first load (a cold module transform on a busy machine). */
const CHUNK_WAIT = { timeout: 10_000 };
/** A test's whole time, with room for that wait. */
const TEST_TIMEOUT_MS = 20_000;

/** A server that lists the visitor's open conversation and an earlier one, for the tokens it issued. */
function listingServer(): FakeServer {
  const server = new FakeServer();
  server.message(VISITOR, 'Where is my order?');
  server.api.listThreads.mockImplementation(async (_slug: string, token: string) => {
    if (!server.tokens.has(token)) throw new ApiError('unauthorized', 'invalid visitor token', false, 401);
    return {
      threads: [
        { id: THREAD, status: 'open', last_message: null, updated_at: new Date().toISOString() },
        { id: EARLIER, status: 'resolved', last_message: null, updated_at: new Date(Date.now() - 3600_000).toISOString() },
      ],
    };
  });
  return server;
}

async function started(harness: Harness): Promise<Harness> {
  await act(() => harness.connection.open());
  await harness.settle();
  return harness;
}

describe('a reload keeps the conversation the visitor was viewing (issue 23)', () => {
  it(
    'opens again, by its id, the earlier conversation this tab showed; the server is not asked to resolve one',
    async () => {
      const tabs = new StorageHub();
      const server = listingServer();
      const before = await started(await mountTestPanel({ record: KNOWN, server, tabs }));
      act(() => before.controller.opened());
      act(() =>
        [...before.dialog().querySelectorAll('button')].find((b) => b.getAttribute('aria-label') === 'Earlier conversations')!.click(),
      );
      await vi.waitFor(async () => {
        await before.settle();
        expect(before.dialog().querySelector('li button')).not.toBeNull();
      }, CHUNK_WAIT);
      act(() => before.dialog().querySelector<HTMLElement>('li button')!.click());
      await before.settle();
      expect(before.engineInputs.at(-1)!.threadId).toBe(EARLIER);
      expect(sessionStorage.getItem(VIEWING)).toBe(EARLIER);

      // The page reloads: the same tab, the same stored record.
      act(() => before.controller.destroy());
      const resolves = server.api.resolveThread.mock.calls.length;
      const after = await started(await mountTestPanel({ server, tabs }));
      expect(after.engineInputs.map((input) => input.threadId)).toEqual([EARLIER]);
      expect(after.engineInputs[0]).toMatchObject({ visitorToken: TOKEN, selfSenderId: VISITOR });
      expect(server.api.resolveThread.mock.calls.length).toBe(resolves);
      expect(after.record().threadId).toBe(EARLIER);
      expect(sessionStorage.getItem(VIEWING)).toBe(EARLIER);
      // The newest conversation is under "Earlier conversations" now.
      expect([...after.dialog().querySelectorAll('button')].some((b) => b.getAttribute('aria-label') === 'Earlier conversations')).toBe(
        true,
      );
    },
    TEST_TIMEOUT_MS,
  );

  it('falls back to the conversation the server resumes when the thread is no longer listed, or the server has no list', async () => {
    for (const server of [listingServer(), new FakeServer()]) {
      sessionStorage.setItem(VIEWING, 'thread-gone');
      const harness = await started(await mountTestPanel({ record: { ...KNOWN, threadId: 'thread-gone' }, server }));
      expect(harness.engineInputs.map((input) => input.threadId)).toEqual([THREAD]);
      expect(server.api.resolveThread).toHaveBeenCalledTimes(1);
      expect(harness.record().threadId).toBe(THREAD);
      expect(sessionStorage.getItem(VIEWING)).toBeNull();
      expect(harness.dialog().querySelector('[role="alert"]')).toBeNull();
      unmountAll();
    }
  });

  it('falls back quietly when the visitor token is no longer valid: the resolve starts them a new conversation', async () => {
    const server = listingServer();
    sessionStorage.setItem(VIEWING, EARLIER);
    const harness = await started(await mountTestPanel({ record: { ...KNOWN, threadId: EARLIER }, server, tokenKnown: false }));
    expect(harness.engineInputs.map((input) => input.threadId)).toEqual([THREAD]);
    expect(server.api.resolveThread).toHaveBeenCalledTimes(1);
    // Said plainly, as for any conversation the server no longer has (not an error).
    expect(harness.dialog().querySelector('[role="status"]')?.textContent).toBe(
      'Your previous conversation is no longer available; this is a new one.',
    );
    expect(sessionStorage.getItem(VIEWING)).toBeNull();
    expect(harness.dialog().querySelector('[role="alert"]')).toBeNull();
    expect(harness.dialog().querySelector('textarea')).not.toBeNull();
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { visitorKey } from '../shared/visitor-store.ts';
import { spendResumeLink, takeResumeToken } from './resume-link.ts';
import { StorageHub } from './testing/storage-hub.ts';
import {
  FakeServer,
  mountTestPanel,
  SERVER,
  THREAD,
  TOKEN,
  tokenNumber,
  unmountAll,
  VISITOR,
  type Harness,
} from './testing/panel-harness.ts';

/** A resume token as the follow-up email's link carries it (server/src/auth/resume-tokens.ts). */
const LINK_TOKEN = `vrt_${'r'.repeat(43)}`;
/** The visitor token the resume answer gives this browser. */
const RESUMED_TOKEN = tokenNumber(7);
/** Where this tab keeps the conversation it shows (viewed-thread.ts). */
const VIEWING = `${visitorKey(SERVER, 'demo')}:viewing`;
/** How long a test waits for the link's chunk to load (a cold module transform on a busy machine). */
const CHUNK_WAIT = { timeout: 10_000 };
const TEST_TIMEOUT_MS = 20_000;
const PAGE = '/help/pricing?plan=team';
const HISTORY_STATE = { route: 'pricing' };

interface ResumeCall {
  url: string;
  body: unknown;
  authorization: string | null;
}

/**
 * The chat server's `POST /chat/public/{slug}/resume` (CONTRACT §12), as `fetch` sees it: the
 * panel's other calls go to the harness's fake API. `answer` is the status to give, or
 * 'offline' for no answer at all.
 */
function resumeEndpoint(server: FakeServer, answer: 200 | 404 | 409 | 410 | 'offline'): ResumeCall[] {
  const calls: ResumeCall[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({
      url,
      body: JSON.parse(String(init.body)),
      authorization: new Headers(init.headers).get('authorization'),
    });
    if (answer === 'offline') throw new TypeError('Failed to fetch');
    if (answer !== 200) {
      const code = { 404: 'not_found', 409: 'conflict', 410: 'not_found' }[answer];
      return new Response(JSON.stringify({ error: { code, message: 'refused', retryable: false } }), { status: answer });
    }
    server.tokens.add(RESUMED_TOKEN);
    return new Response(JSON.stringify({ thread_id: THREAD, sender_id: VISITOR, visitor_token: RESUMED_TOKEN, verified: false }), {
      status: 200,
    });
  });
  return calls;
}

async function waitForChat(harness: Harness): Promise<void> {
  await vi.waitFor(async () => {
    await harness.settle();
    expect(harness.engineInputs.length).toBeGreaterThan(0);
  }, CHUNK_WAIT);
}

async function waitForNotice(harness: Harness): Promise<string> {
  let text = '';
  await vi.waitFor(async () => {
    await harness.settle();
    text = harness.dialog().querySelector('[role="alert"]')?.textContent ?? '';
    expect(text).not.toBe('');
  }, CHUNK_WAIT);
  return text;
}

beforeEach(() => {
  sessionStorage.clear();
  history.replaceState(HISTORY_STATE, '', `${PAGE}#ama2_resume=${LINK_TOKEN}`);
});

afterEach(() => {
  unmountAll();
  vi.unstubAllGlobals();
  history.replaceState(null, '', '/');
});

describe('takeResumeToken', () => {
  const page = (href: string) => {
    const replaced: string[] = [];
    return { replaced, page: { href, replaceUrl: (url: string) => replaced.push(url) } };
  };

  it('takes the token off the address, keeping the path, the query and any other part of the fragment', () => {
    const only = page(`https://shop.example/help?x=1#ama2_resume=${LINK_TOKEN}`);
    expect(takeResumeToken(only.page)).toBe(LINK_TOKEN);
    expect(only.replaced).toEqual(['https://shop.example/help?x=1']);
    const mixed = page(`https://shop.example/help#faq&ama2_resume=${LINK_TOKEN}`);
    expect(takeResumeToken(mixed.page)).toBe(LINK_TOKEN);
    expect(mixed.replaced).toEqual(['https://shop.example/help#faq']);
  });

  it('leaves an address without the link alone', () => {
    const none = page('https://shop.example/help#faq');
    expect(takeResumeToken(none.page)).toBeNull();
    expect(none.replaced).toEqual([]);
  });
});

describe('spendResumeLink', () => {
  const before = {
    threadId: null,
    visitorToken: null,
    verified: false,
    email: null,
    name: null,
    senderId: null,
    appliedSeq: 0,
    unread: 0,
    leaveAsked: null,
  };
  const answering = (body: unknown) => async () => new Response(JSON.stringify(body), { status: 200 });
  const link = () => ({ href: `https://shop.example/help#ama2_resume=${LINK_TOKEN}`, replaceUrl: () => {} });

  it('stores what a well-formed answer gives this browser', async () => {
    const answer = { thread_id: THREAD, sender_id: VISITOR, visitor_token: RESUMED_TOKEN, verified: true };
    expect(await spendResumeLink(SERVER, 'demo', 'en', before, link(), answering(answer))).toEqual({
      record: { ...before, threadId: THREAD, senderId: VISITOR, visitorToken: RESUMED_TOKEN, verified: true },
    });
  });

  it('stores nothing from an answer that is not the resume shape, and says the link could not be opened', async () => {
    for (const answer of [
      { thread_id: THREAD, sender_id: 'user:1', visitor_token: RESUMED_TOKEN, verified: true },
      { thread_id: THREAD, sender_id: VISITOR, visitor_token: 'not-a-token', verified: true },
      { thread_id: THREAD, sender_id: VISITOR, visitor_token: RESUMED_TOKEN },
    ]) {
      expect(await spendResumeLink(SERVER, 'demo', 'en', before, link(), answering(answer))).toMatchObject({ failure: 'unavailable' });
    }
  });
});

describe('a follow-up email’s link (CONTRACT §12 "Visitors who left")', () => {
  it(
    'spends the token once, takes it off the address bar first, and opens its conversation with the new visitor token',
    async () => {
      const server = new FakeServer();
      server.message('agent:a-1', 'Your order shipped today.');
      const calls = resumeEndpoint(server, 200);
      const harness = await mountTestPanel({ server });
      await waitForChat(harness);

      expect(calls).toEqual([{ url: `${SERVER}/api/v1/chat/public/demo/resume`, body: { resume_token: LINK_TOKEN }, authorization: null }]);
      // The rest of the address and the page's history state stay as they were.
      expect(`${location.pathname}${location.search}${location.hash}`).toBe(PAGE);
      expect(history.state).toEqual(HISTORY_STATE);
      expect(harness.engineInputs.at(-1)).toMatchObject({ threadId: THREAD, visitorToken: RESUMED_TOKEN, selfSenderId: VISITOR });
      // Stored as a resolve's would be, so a reload and later visits continue it.
      expect(harness.record()).toMatchObject({ threadId: THREAD, visitorToken: RESUMED_TOKEN, senderId: VISITOR, verified: false });
      expect(sessionStorage.getItem(VIEWING)).toBe(THREAD);
      // Never the resolve call: the link named the conversation.
      expect(server.api.resolveThread).not.toHaveBeenCalled();
      expect(JSON.stringify(harness.host.emit.mock.calls)).not.toContain(LINK_TOKEN);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'replaces another visitor’s stored token, and not their email label (the socket would refuse it)',
    async () => {
      const server = new FakeServer();
      const calls = resumeEndpoint(server, 200);
      const other = { threadId: 'thread-old', senderId: 'visitor:v-9', visitorToken: TOKEN, email: 'someone@example.com', name: 'Sam' };
      const harness = await mountTestPanel({ server, record: other });
      await waitForChat(harness);
      expect(calls).toHaveLength(1);
      expect(harness.record()).toMatchObject({ threadId: THREAD, visitorToken: RESUMED_TOKEN, senderId: VISITOR, email: null, name: null });
      expect(harness.engineInputs.at(-1)).toMatchObject({ threadId: THREAD, visitorToken: RESUMED_TOKEN, email: null });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a reload after it spends nothing again: the address has no link any more',
    async () => {
      const server = new FakeServer();
      const calls = resumeEndpoint(server, 200);
      const tabs = new StorageHub();
      const first = await mountTestPanel({ server, tabs });
      await waitForChat(first);
      unmountAll();
      const reloaded = await mountTestPanel({ server, tabs });
      await waitForChat(reloaded);
      expect(calls).toHaveLength(1);
      expect(reloaded.engineInputs.at(-1)).toMatchObject({ threadId: THREAD, visitorToken: RESUMED_TOKEN });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a link opened later in the same tab (only the fragment changes) opens the panel on its conversation; a closed panel hears nothing',
    async () => {
      history.replaceState(HISTORY_STATE, '', PAGE);
      const server = new FakeServer();
      const calls = resumeEndpoint(server, 200);
      const harness = await mountTestPanel({ server, record: { threadId: 'thread-old', senderId: 'visitor:v-9', visitorToken: TOKEN } });
      await waitForChat(harness);
      expect(harness.engineInputs.at(-1)).toMatchObject({ visitorToken: TOKEN });
      expect(harness.host.requestOpen).not.toHaveBeenCalled();

      history.replaceState(HISTORY_STATE, '', `${PAGE}#ama2_resume=${LINK_TOKEN}`);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
      expect(harness.host.requestOpen).toHaveBeenCalledTimes(1);
      await vi.waitFor(async () => {
        await harness.settle();
        expect(harness.engineInputs.at(-1)).toMatchObject({ threadId: THREAD, visitorToken: RESUMED_TOKEN, selfSenderId: VISITOR });
      }, CHUNK_WAIT);
      expect(calls).toHaveLength(1);
      expect(`${location.pathname}${location.search}${location.hash}`).toBe(PAGE);

      unmountAll();
      history.replaceState(HISTORY_STATE, '', `${PAGE}#ama2_resume=${LINK_TOKEN}`);
      window.dispatchEvent(new HashChangeEvent('hashchange'));
      await harness.settle();
      expect(calls).toHaveLength(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a link used before says so, and the stored conversation continues',
    async () => {
      const server = new FakeServer();
      const calls = resumeEndpoint(server, 409);
      const harness = await mountTestPanel({ server, record: { threadId: THREAD, senderId: VISITOR, visitorToken: TOKEN } });
      expect(await waitForNotice(harness)).toBe(
        'This link was already used. If you opened it in this browser, your conversation continues here; otherwise just write to us below.',
      );
      await waitForChat(harness);
      expect(calls).toHaveLength(1);
      expect(location.hash).toBe('');
      expect(harness.engineInputs.at(-1)).toMatchObject({ threadId: THREAD, visitorToken: TOKEN });
      expect(harness.events('error')).toContainEqual({ code: 'resume_used', message: expect.stringContaining('already used') as string });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'an expired link says so in German, and a new visitor gets the greeting and a composer',
    async () => {
      const server = new FakeServer();
      resumeEndpoint(server, 410);
      const harness = await mountTestPanel({ server, locale: 'de-DE' });
      expect(await waitForNotice(harness)).toBe(
        'Dieser Link ist abgelaufen (Links gelten 7 Tage). Schreiben Sie uns unten, wir antworten hier.',
      );
      expect(harness.dialog().querySelector('textarea')).not.toBeNull();
      expect(harness.engineInputs).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'an unknown link, and one cut short (never sent), say the link does not work',
    async () => {
      const server = new FakeServer();
      const calls = resumeEndpoint(server, 404);
      const unknown = await mountTestPanel({ server });
      expect(await waitForNotice(unknown)).toBe(
        'This link does not work; it may have been cut short. Write to us below and we’ll answer here.',
      );
      unmountAll();
      history.replaceState(null, '', `${PAGE}#ama2_resume=vrt_abc`);
      const cut = await mountTestPanel({ server });
      expect(await waitForNotice(cut)).toBe(
        'This link does not work; it may have been cut short. Write to us below and we’ll answer here.',
      );
      expect(calls).toHaveLength(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'no answer from the server says to open the link again (it was not spent)',
    async () => {
      const server = new FakeServer();
      resumeEndpoint(server, 'offline');
      const harness = await mountTestPanel({ server });
      expect(await waitForNotice(harness)).toBe(
        'The conversation from your link could not be opened: the chat could not be reached. Open the link in your email again to try once more.',
      );
      expect(location.hash).toBe('');
    },
    TEST_TIMEOUT_MS,
  );
});

import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { visitorKey } from '../shared/visitor-store.ts';
import { forgetVisitor } from './forget-visitor.ts';
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
import { StorageHub } from './testing/storage-hub.ts';

/**
 * Issue 15: who the visitor is on this device. A visitor who becomes verified gets a new
 * token (every tab follows it); `AMA2Chat.reset()` forgets them here and on the server; a
 * token the server refuses as expired starts the first run afresh.
 */

afterEach(unmountAll);

const KNOWN = { email: 'ada@example.com', name: 'Ada', threadId: THREAD, senderId: VISITOR, visitorToken: TOKEN, verified: false };
const KEY = visitorKey(SERVER, 'demo');
const IDENTITY_TOKEN = 'header.payload.signature';

const composer = (harness: Harness) => harness.dialog().querySelector('textarea');
/** The first run (nobody known, issue 23): an empty composer under the greeting, without a conversation's buttons. */
const firstRun = (harness: Harness) =>
  composer(harness)?.value === '' && harness.dialog().querySelector('[aria-label="New conversation"]') === null;
const codes = (harness: Harness) => harness.events('error').map((payload) => (payload as { code: string }).code);

async function connected(harness: Harness) {
  await act(() => harness.connection.open());
  await harness.settle();
}

async function twoTabs() {
  const server = new FakeServer();
  const tabs = new StorageHub();
  const first = await mountTestPanel({ server, tabs, record: KNOWN });
  const second = await mountTestPanel({ server, tabs });
  for (const tab of [first, second]) await connected(tab);
  return { server, tabs, first, second };
}

describe('a visitor who becomes verified', () => {
  it('goes on with the new token the server issued: stored, and used by the engine', async () => {
    const harness = await mountTestPanel({ record: KNOWN });
    await connected(harness);
    act(() => harness.controller.identify({ identityToken: IDENTITY_TOKEN }));
    await harness.settle();
    const fresh = harness.record().visitorToken;
    expect(fresh).not.toBe(TOKEN);
    expect(harness.server.tokens.has(TOKEN)).toBe(false);
    expect(harness.record()).toMatchObject({ threadId: THREAD, verified: true });
    expect(harness.engineInputs.at(-1)).toMatchObject({ visitorToken: fresh, threadId: THREAD });
    expect(composer(harness)).toBeTruthy();
  });

  it("in one tab: the visitor's other tab takes the new token and reconnects with it, and never writes the old one back", async () => {
    const { server, first, second } = await twoTabs();
    act(() => first.controller.identify({ identityToken: IDENTITY_TOKEN }));
    await first.settle();
    await second.settle();
    const fresh = first.record().visitorToken!;
    expect(fresh).not.toBe(TOKEN);
    expect(second.engineInputs.at(-1)).toMatchObject({ visitorToken: fresh, threadId: THREAD });
    await connected(second);
    // The second tab reads on (it saves its read position): the stored record keeps the new token.
    act(() => second.controller.opened());
    await second.settle();
    await first.settle();
    expect(first.record()).toMatchObject({ visitorToken: fresh, verified: true, threadId: THREAD });
    expect(server.tokens.has(TOKEN)).toBe(false);
    expect(composer(second)).toBeTruthy();
  });
});

describe('AMA2Chat.reset()', () => {
  it('forgets the visitor here, revokes the token on the server, and shows the first run for whoever comes next', async () => {
    const harness = await mountTestPanel({ record: { ...KNOWN, unread: 2 }, identity: { email: 'ada@example.com' } });
    await connected(harness);
    expect(composer(harness)).toBeTruthy();
    act(() => harness.controller.reset());
    await harness.settle();
    expect(harness.storage.getItem(KEY)).toBeNull();
    expect(harness.server.tokens.has(TOKEN)).toBe(false);
    expect(firstRun(harness)).toBe(true);
    expect(harness.host.setUnread).toHaveBeenLastCalledWith(0);
    expect(codes(harness)).toEqual([]);
  });

  it("is followed by the visitor's other tabs: they stop and show the first run, and write nothing back", async () => {
    const { server, first, second } = await twoTabs();
    act(() => first.controller.reset());
    await first.settle();
    await second.settle();
    expect(server.tokens.has(TOKEN)).toBe(false);
    expect(firstRun(second)).toBe(true);
    act(() => second.controller.opened());
    await second.settle();
    expect(second.storage.getItem(KEY)).toBeNull();
  });

  it('before the panel mounted: the stored visitor is forgotten and the token revoked', async () => {
    const server = new FakeServer();
    server.tokens.add(TOKEN);
    localStorage.setItem(KEY, JSON.stringify({ ...KNOWN, appliedSeq: 0, unread: 3 }));
    const unread: number[] = [];
    const errors: unknown[] = [];
    const options = {
      agent: 'demo',
      apiBaseUrl: SERVER,
      position: 'right',
      zIndex: 1,
      themeColor: null,
      locale: 'en',
      openOnLoad: false,
      theme: 'auto',
      consent: false,
    } as const;
    // (The real module makes its own API client; this one is the fake server's.)
    const { forgetDevice } = await import('./forget-visitor.ts');
    forgetDevice({ api: server.api, storage: localStorage }, options, TOKEN, (message) => errors.push(message));
    await Promise.resolve();
    expect(localStorage.getItem(KEY)).toBeNull();
    expect(server.tokens.has(TOKEN)).toBe(false);
    expect(errors).toEqual([]);

    // (No token stored: the real module would call the network.)
    localStorage.setItem(KEY, JSON.stringify({ ...KNOWN, visitorToken: null, appliedSeq: 0, unread: 3 }));
    forgetVisitor(
      options,
      () => undefined,
      null,
      (count) => unread.push(count),
    );
    expect(localStorage.getItem(KEY)).toBeNull();
    expect(unread).toEqual([0]);
  });
});

describe('a stored token the server refuses as expired', () => {
  it('starts afresh with the first run (no error screen), and tells the page visitor_expired', async () => {
    const server = new FakeServer();
    server.expiredTokens.add(TOKEN);
    const harness = await mountTestPanel({ server, record: KNOWN });
    expect(firstRun(harness)).toBe(true);
    expect(harness.dialog().textContent).not.toMatch(/could not be started/i);
    expect(harness.storage.getItem(KEY)).toBeNull();
    expect(codes(harness)).toEqual(['visitor_expired']);
  });

  it("with the site's identify({ email }): a new conversation starts at once", async () => {
    const server = new FakeServer();
    server.expiredTokens.add(TOKEN);
    const harness = await mountTestPanel({ server, record: KNOWN, identity: { email: 'ada@example.com' } });
    expect(composer(harness)).toBeTruthy();
    expect(harness.record()).toMatchObject({ email: 'ada@example.com', visitorToken: tokenNumber(2) });
  });
});

import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/core/api/api-error.ts';
import { FakeServer, mountTestPanel, THREAD, TOKEN, tokenNumber, unmountAll, VISITOR, type Harness } from './testing/panel-harness.ts';

/**
 * What the visitor sees, and the page is told, when the server does not take them as they
 * are (CONTRACT §7): an origin outside the agent's allowed websites, an agent that needs a
 * verified identity, an identity token refused, a visitor token the server no longer knows.
 */

afterEach(unmountAll);

const KNOWN = { email: 'ada@example.com', name: 'Ada', threadId: THREAD, senderId: VISITOR, visitorToken: TOKEN, verified: false };
const RESET_NOTICE = 'Your previous conversation is no longer available; this is a new one.';

const alertText = (harness: Harness) => harness.dialog().querySelector('[role="alert"]')?.textContent ?? null;
const codes = (harness: Harness) => harness.events('error').map((payload) => (payload as { code: string }).code);

async function inConversation(options: Parameters<typeof mountTestPanel>[0] = {}) {
  const harness = await mountTestPanel({ record: KNOWN, ...options });
  await act(() => harness.connection.open());
  await harness.settle();
  return harness;
}

describe('origin not allowed', () => {
  it('a refused profile (403) says the chat is not available on this website, with origin_not_allowed, and resolves nothing', async () => {
    const server = new FakeServer();
    server.profileError = new ApiError('forbidden', 'This website is not allowed to use this chat.', false, 403);
    server.resolveError = server.profileError;
    const harness = await mountTestPanel({ server });
    expect(alertText(harness)).toBe('This chat isn’t available on this website.');
    expect(harness.dialog().querySelector('input[type="email"]')).toBeNull();
    expect(codes(harness)).toEqual(['origin_not_allowed']);
  });

  it('a refused resolve (403) for a returning visitor: the same state, the stored record kept', async () => {
    const server = new FakeServer();
    server.resolveError = new ApiError('forbidden', 'This website is not allowed to use this chat.', false, 403);
    const harness = await mountTestPanel({ server, record: KNOWN });
    expect(alertText(harness)).toBe('This chat isn’t available on this website.');
    expect(codes(harness)).toEqual(['origin_not_allowed']);
    expect(harness.record()).toMatchObject(KNOWN);
    expect(server.api.resolveThread).toHaveBeenCalledTimes(1);
  });

  it('the socket closed 4001 "origin not allowed": the conversation stops with that state, without re-resolving', async () => {
    const harness = await inConversation();
    act(() => harness.connection.setState({ status: 'failed', reason: 'origin not allowed', code: 4001 }));
    await harness.settle();
    expect(alertText(harness)).toBe('This chat isn’t available on this website.');
    expect(codes(harness)).toEqual(['origin_not_allowed']);
    expect(harness.server.api.resolveThread).toHaveBeenCalledTimes(1);
  });
});

describe('identity required', () => {
  it('asks the visitor to sign in on the site instead of the email form, and identify({identity_token}) continues without reload', async () => {
    const server = new FakeServer();
    server.requireVerified = true;
    const harness = await mountTestPanel({ server });
    expect(alertText(harness)).toBe('Please sign in on this website to chat with us.');
    expect(harness.dialog().querySelector('input[type="email"]')).toBeNull();
    expect(codes(harness)).toEqual(['identity_required']);
    expect(server.api.resolveThread).not.toHaveBeenCalled();

    act(() => harness.controller.identify({ identityToken: 'header.payload.signature', email: 'ada@example.com' }));
    await harness.settle();
    expect(server.api.resolveThread).toHaveBeenCalledWith(
      'demo',
      { email: 'ada@example.com', name: null, identity_token: 'header.payload.signature' },
      null,
    );
    expect(harness.dialog().querySelector('textarea')).toBeTruthy();
    expect(harness.record()).toMatchObject({ verified: true, visitorToken: TOKEN });
    expect(codes(harness)).toEqual(['identity_required']);
  });

  it('a stored unverified visitor refused with identity_required gets the same state, once', async () => {
    const server = new FakeServer();
    server.resolveError = new ApiError('identity_required', 'This chat needs a verified identity.', false, 401);
    const harness = await mountTestPanel({ server, record: KNOWN });
    await harness.settle();
    expect(alertText(harness)).toBe('Please sign in on this website to chat with us.');
    expect(codes(harness)).toEqual(['identity_required']);
    expect(server.api.resolveThread).toHaveBeenCalledTimes(1);
  });

  it('the socket closed 4001 "identity required" while chatting: the sign-in state', async () => {
    const harness = await inConversation();
    act(() => harness.connection.setState({ status: 'failed', reason: 'identity required', code: 4001 }));
    await harness.settle();
    expect(alertText(harness)).toBe('Please sign in on this website to chat with us.');
    expect(codes(harness)).toEqual(['identity_required']);
  });
});

describe('identity verified', () => {
  it('"new conversation" of a verified visitor goes by the visitor token alone (the page’s identity token may have expired)', async () => {
    const server = new FakeServer();
    server.supportsFresh = true;
    const harness = await mountTestPanel({ server, identity: { identityToken: 'header.payload.signature' } });
    expect(harness.record()).toMatchObject({ verified: true, visitorToken: TOKEN });
    act(() => harness.controller.newConversation());
    await harness.settle();
    expect(server.api.resolveThread).toHaveBeenLastCalledWith(
      'demo',
      { email: null, name: null, identity_token: null, fresh: true },
      TOKEN,
    );
    expect(harness.record()).toMatchObject({ threadId: 'thread-2', visitorToken: TOKEN, verified: true });
    expect(codes(harness)).toEqual([]);
  });
});

describe('identity invalid', () => {
  it('says so in words, reports identity_invalid, and does not try again on its own', async () => {
    const harness = await mountTestPanel({ identity: { identityToken: 'bad.identity.token', email: 'ada@example.com' } });
    await harness.settle();
    expect(alertText(harness)).toBe('We could not confirm who you are. Please sign in on this website again, then reopen the chat.');
    expect(codes(harness)).toEqual(['identity_invalid']);
    act(() => harness.controller.opened());
    await harness.settle();
    expect(harness.server.api.resolveThread).toHaveBeenCalledTimes(1);

    // A fresh token from the site is a change: it is tried.
    act(() => harness.controller.identify({ identityToken: 'good.identity.token', email: 'ada@example.com' }));
    await harness.settle();
    expect(harness.server.api.resolveThread).toHaveBeenCalledTimes(2);
    expect(harness.dialog().querySelector('textarea')).toBeTruthy();
  });

  it('speaks German too', async () => {
    const harness = await mountTestPanel({ locale: 'de', identity: { identityToken: 'bad.identity.token' } });
    expect(alertText(harness)).toBe(
      'Wir konnten nicht bestätigen, wer Sie sind. Bitte melden Sie sich auf dieser Website erneut an und öffnen Sie dann den Chat wieder.',
    );
  });
});

describe('a stored visitor token the server no longer accepts (its data was reset)', () => {
  it('on load: resolve answers another thread, not resumed; the record is replaced, the visitor told, the page told once', async () => {
    const server = new FakeServer();
    server.resetData();
    server.message('agent:a-1', 'Welcome to the new thread');
    const harness = await mountTestPanel({ server, record: { ...KNOWN, appliedSeq: 7, unread: 2 }, tokenKnown: false });
    await act(() => harness.connection.open());
    await harness.settle();
    expect(server.api.resolveThread).toHaveBeenCalledTimes(1);
    expect(server.api.resolveThread).toHaveBeenCalledWith('demo', { email: 'ada@example.com', name: 'Ada', identity_token: null }, TOKEN);
    expect(harness.record()).toMatchObject({ threadId: 'thread-2', visitorToken: tokenNumber(11), email: 'ada@example.com', unread: 0 });
    const statuses = [...harness.dialog().querySelectorAll('[role="status"]')].map((element) => element.textContent);
    expect(statuses).toContain(RESET_NOTICE);
    expect(codes(harness)).toEqual(['conversation_reset']);
    expect(harness.engineInputs.map((input) => [input.threadId, input.visitorToken])).toEqual([['thread-2', tokenNumber(11)]]);
    // The new conversation works: the visitor writes in it.
    expect(harness.dialog().querySelector('textarea')).toBeTruthy();
    expect(harness.dialog().textContent).toContain('Welcome to the new thread');
  });

  // (A token the server does not know at all while chatting is an erasure the widget missed: conversation-erased.test.tsx.)
  it('while chatting: the socket’s 4001 for an expired token re-resolves once and moves to the new thread; a second refusal stops instead of looping', async () => {
    const harness = await inConversation();
    harness.server.resetData();
    act(() => harness.connection.setState({ status: 'failed', reason: 'visitor token expired', code: 4001 }));
    await harness.settle();
    expect(harness.server.api.resolveThread).toHaveBeenCalledTimes(2);
    expect(harness.record()).toMatchObject({ threadId: 'thread-2', visitorToken: tokenNumber(11) });
    expect(codes(harness)).toEqual(['conversation_reset']);
    expect(harness.dialog().textContent).toContain(RESET_NOTICE);

    // Refused again before anything opened: no third resolve, a state with a way to try again.
    act(() => harness.connection.setState({ status: 'failed', reason: 'visitor token expired', code: 4001 }));
    await harness.settle();
    expect(harness.server.api.resolveThread).toHaveBeenCalledTimes(2);
    expect(alertText(harness)).toContain('The conversation could not be started.');
    expect(codes(harness)).toEqual(['conversation_reset', 'unauthorized']);
  });

  it('a history answer of 401 for an expired token re-resolves once (the polling path); refused there too, the visitor starts afresh', async () => {
    const server = new FakeServer();
    const harness = await mountTestPanel({ server, record: { ...KNOWN, senderId: null } });
    await act(() => harness.connection.open());
    await harness.settle();
    server.expiredTokens.add(TOKEN);
    // The engine catches up after a reconnect: the history refuses the old token as expired.
    await act(() => harness.connection.open());
    await harness.settle();
    expect(server.api.resolveThread).toHaveBeenCalledTimes(2);
    expect(harness.record()).toBeNull();
    expect(codes(harness)).toEqual(['visitor_expired']);
    expect(harness.dialog().querySelector('[data-gone]')).toBeNull();
  });

  it('a resumed thread (same id) is no reset, and "new conversation" is none either', async () => {
    const server = new FakeServer();
    server.supportsFresh = true;
    const harness = await inConversation({ server });
    act(() => harness.controller.newConversation());
    await harness.settle();
    expect(harness.record()).toMatchObject({ threadId: 'thread-2', visitorToken: TOKEN });
    expect(codes(harness)).toEqual([]);
    expect(harness.dialog().textContent).not.toContain(RESET_NOTICE);
  });
});

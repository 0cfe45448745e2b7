import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/core/api/api-error.ts';
import { AGENT, FakeServer, mountTestPanel, THREAD, tokenNumber, TOKEN, typeInto, unmountAll, VISITOR } from './testing/panel-harness.ts';
import { UNKNOWN_VISITOR } from './visitor-session.ts';

afterEach(unmountAll);

const KNOWN = { email: 'ada@example.com', name: 'Ada', threadId: THREAD, senderId: VISITOR, visitorToken: TOKEN, verified: false };

describe('VisitorSession', () => {
  it('identify() with another email starts that person’s conversation without the old token; the same email only updates the name', async () => {
    const harness = await mountTestPanel({ record: KNOWN });
    const first = harness.engine();
    act(() => harness.controller.identify({ email: 'ada@example.com', name: 'Ada L.' }));
    await harness.settle();
    expect(harness.engine()).toBe(first);
    expect(harness.record().name).toBe('Ada L.');

    act(() => harness.controller.identify({ email: 'grace@example.com' }));
    await harness.settle();
    expect(harness.engine()).not.toBe(first);
    // Ada's token is not Grace's: the server is asked as for a new visitor.
    expect(harness.server.api.resolveThread).toHaveBeenLastCalledWith(
      'demo',
      { email: 'grace@example.com', name: null, identity_token: null },
      null,
    );
    expect(harness.record()).toMatchObject({
      email: 'grace@example.com',
      name: null,
      threadId: THREAD,
      unread: 0,
      // A new visitor's token, not Ada's.
      visitorToken: tokenNumber(2),
    });
    expect(harness.events('error')).toEqual([]);
  });

  it('rejects an identity with neither email nor identity token, in an error event', async () => {
    const harness = await mountTestPanel();
    act(() => harness.controller.identify({ name: 'Nobody' }));
    expect(harness.host.emit).toHaveBeenCalledWith('error', expect.objectContaining({ code: 'invalid_identity' }));
    expect(harness.server.api.resolveThread).not.toHaveBeenCalled();
  });

  it('passes the site’s identity token to resolve and skips the email form', async () => {
    const harness = await mountTestPanel({ identity: { identityToken: 'header.payload.signature', name: 'Ada' } });
    expect(harness.dialog().querySelector('input[type="email"]')).toBeNull();
    expect(harness.server.api.resolveThread).toHaveBeenCalledWith(
      'demo',
      { email: null, name: 'Ada', identity_token: 'header.payload.signature' },
      null,
    );
    expect(harness.record()).toMatchObject({ threadId: THREAD, visitorToken: TOKEN, verified: true });
    expect(harness.dialog().querySelector('textarea')).toBeTruthy();
  });

  it('resumes from storage when the server cannot be reached (offline reload), and loses nothing', async () => {
    const server = new FakeServer();
    server.resolveError = new ApiError('network_error', 'offline', true);
    const harness = await mountTestPanel({ server, record: { ...KNOWN, appliedSeq: 2 } });
    expect(harness.engineInputs.map((input) => [input.threadId, input.visitorToken])).toEqual([[THREAD, TOKEN]]);
    expect(harness.record()).toMatchObject({ ...KNOWN, appliedSeq: 2 });
    expect(harness.dialog().querySelector('textarea')).toBeTruthy();
  });
  it('learns the visitor’s id from their first message on a server whose history does not name them', async () => {
    const server = new FakeServer();
    server.events = [];
    const harness = await mountTestPanel({ server, identity: { email: 'ada@example.com' } });
    act(() => harness.connection.open());
    await harness.settle();
    expect(harness.record().senderId).toBeNull();
    const first = harness.engine();
    typeInto(harness.dialog().querySelector('textarea')!, 'hello');
    await act(async () => {
      harness
        .dialog()
        .querySelector('form')!
        .dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await harness.settle();
    expect(first).not.toBeNull();
    expect(harness.record().senderId).toBe(VISITOR);
    expect(harness.engine()).not.toBe(first);
    expect(UNKNOWN_VISITOR).not.toBe(VISITOR);
  });

  it('does not count a resolved thread’s existing history as unread', async () => {
    const server = new FakeServer();
    server.message(AGENT, 'Earlier answer');
    const harness = await mountTestPanel({ server, identity: { email: 'ada@example.com' } });
    act(() => harness.connection.open());
    await harness.settle();
    expect(harness.host.setUnread.mock.calls).toEqual([]);
    expect(harness.record().appliedSeq).toBe(server.lastSeq);
  });

  it('keeps working when the host page’s listeners throw', async () => {
    const harness = await mountTestPanel({ record: KNOWN });
    harness.host.emit.mockImplementation(() => {
      throw new Error('page bug');
    });
    harness.host.setUnread.mockImplementation(() => {
      throw new Error('page bug');
    });
    act(() => harness.connection.open());
    await harness.settle();
    const reply = harness.server.message(AGENT, 'still here');
    act(() => harness.connection.deliver({ type: 'thread_message', thread_id: THREAD, data: reply }));
    await harness.settle();
    expect(harness.record().unread).toBe(1);
    expect(harness.dialog().textContent).toContain('still here');
  });

  it('lets the conversation run when only the profile failed', async () => {
    const server = new FakeServer();
    server.profileError = new ApiError('network_error', 'offline', true);
    const harness = await mountTestPanel({ server, record: KNOWN });
    expect(harness.dialog().querySelector('h2')?.textContent).toBe('Chat');
    expect(harness.dialog().querySelector('textarea')).toBeTruthy();
  });
});

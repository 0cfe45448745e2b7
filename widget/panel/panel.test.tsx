import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src/core/api/api-error.ts';
import { MAX_CONTENT_CHARS } from '../../src/core/protocol/limits.ts';
import type { PanelHost } from '../shared/panel-contract.ts';
import { mountPanel } from './panel.tsx';
import {
  AGENT,
  FakeServer,
  mountTestPanel,
  press,
  SERVER,
  THREAD,
  TOKEN,
  typeInto,
  unmountAll,
  VISITOR,
  type Harness,
} from './testing/panel-harness.ts';

afterEach(() => {
  unmountAll();
  vi.unstubAllGlobals();
});

const text = (harness: Harness) => harness.dialog().textContent ?? '';
/** How long a test waits for the email offer's chunk (closing-ui.ts) to load the first time: a cold module transform on a busy machine. */
const CHUNK_WAIT = { timeout: 10_000 };
/** A test's whole time, with room for that wait. */
const TEST_TIMEOUT_MS = 20_000;
/** Waits until the inline email offer shows `line` (its code loads with the first ask). */
const offered = (harness: Harness, line: string) =>
  vi.waitFor(async () => {
    await harness.settle();
    expect(text(harness)).toContain(line);
  }, CHUNK_WAIT);
const composer = (harness: Harness) => harness.dialog().querySelector('textarea')!;
const button = (harness: Harness, name: string) =>
  [...harness.dialog().querySelectorAll('button')].find(
    (candidate) => (candidate.getAttribute('aria-label') ?? candidate.textContent) === name,
  )!;
/** How long a test waits for the history chunk's first load (a cold module transform on a busy machine). */
const HISTORY_CHUNK_WAIT = { timeout: 10_000 };
const liveRegion = (harness: Harness) => harness.dialog().querySelector('[role="log"]')!;

/** A visitor who chatted before: the panel resumes their thread without asking. */
const KNOWN = { email: 'ada@example.com', name: 'Ada', threadId: THREAD, senderId: VISITOR, visitorToken: TOKEN };

async function inConversation(options: Parameters<typeof mountTestPanel>[0] = {}) {
  const harness = await mountTestPanel({ record: KNOWN, ...options });
  await act(() => harness.connection.open());
  await harness.settle();
  return harness;
}

describe('mounting', () => {
  it('renders a labelled modal dialog with the agent from the profile (and leaves "ready" to the loader)', async () => {
    const harness = await mountTestPanel();
    const dialog = harness.dialog();
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const title = harness.shadowRoot.getElementById(dialog.getAttribute('aria-labelledby')!);
    expect(title?.textContent).toBe('Demo Agent');
    expect(text(harness)).toContain('Hi! Ask me anything.');
    // The loader said "ready" once already, when the page could call AMA2Chat.
    expect(harness.host.emit).not.toHaveBeenCalledWith('ready', expect.anything());
  });

  it('takes the accent from the page, else the profile, through the CSSOM', async () => {
    const fromProfile = await mountTestPanel();
    expect(fromProfile.host.container.style.getPropertyValue('--accent')).toBe('#0f766e');
    const fromPage = await mountTestPanel({ themeColor: '#ff0000' });
    expect(fromPage.host.container.style.getPropertyValue('--accent')).toBe('#ff0000');
    // On pure red neither white (4.0:1) nor dark grey (4.48:1) reaches 4.5:1; black (4.7:1) does.
    expect(fromPage.host.container.style.getPropertyValue('--accent-contrast')).toBe('#000000');
  });

  it('says clearly when the agent slug is unknown (profile 404), and tells the page', async () => {
    const server = new FakeServer();
    server.profileError = new ApiError('not_found', 'No such agent', false, 404);
    const harness = await mountTestPanel({ server });
    expect(harness.dialog().querySelector('[role="alert"]')?.textContent).toBe(
      'This chat is not available: there is no agent called “demo”.',
    );
    expect(harness.host.emit).toHaveBeenCalledWith('error', expect.objectContaining({ code: 'unknown_agent' }));
  });

  it('mountPanel installs its stylesheet in the shadow root and never throws on a dead server', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ error: { code: 'not_found', message: 'no', retryable: false } }), { status: 404 })),
    );
    const element = document.createElement('div');
    document.body.append(element);
    const shadowRoot = element.attachShadow({ mode: 'open' });
    const container = document.createElement('div');
    shadowRoot.append(container);
    const host: PanelHost = {
      container,
      shadowRoot,
      options: {
        agent: 'nope',
        apiBaseUrl: SERVER,
        position: 'left',
        zIndex: 1,
        themeColor: null,
        locale: 'en-GB',
        openOnLoad: false,
        theme: 'auto',
        consent: false,
      },
      identity: null,
      emit: vi.fn(),
      setUnread: vi.fn(),
      requestClose: vi.fn(),
      requestOpen: vi.fn(),
    };
    let controller!: ReturnType<typeof mountPanel>;
    await act(() => {
      controller = mountPanel(host);
    });
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    expect(shadowRoot.adoptedStyleSheets).toHaveLength(1);
    expect(container.textContent).toContain('there is no agent called “nope”');
    act(() => controller.destroy());
    expect(shadowRoot.adoptedStyleSheets).toHaveLength(0);
    expect(container.childElementCount).toBe(0);
    element.remove();
  });
});

describe('first run (issue 23)', () => {
  const conversation = (harness: Harness) => harness.dialog().querySelector('[aria-label="Conversation"]')!;

  it('opens on the greeting as the first message and a composer; the first message starts the conversation without an email', async () => {
    const harness = await mountTestPanel();
    expect(conversation(harness).textContent).toBe('Hi! Ask me anything.');
    expect(harness.dialog().querySelector('input[type="email"]')).toBeNull();
    expect(harness.server.api.resolveThread).not.toHaveBeenCalled();

    typeInto(composer(harness), 'Hello, anyone there?');
    press(composer(harness), 'Enter');
    await harness.settle();
    expect(harness.server.api.resolveThread).toHaveBeenCalledWith('demo', { email: null, name: null, identity_token: null }, null);
    expect(harness.server.api.sendMessage).toHaveBeenCalledWith(
      'demo',
      THREAD,
      { visitorToken: TOKEN, email: null },
      expect.objectContaining({ content: 'Hello, anyone there?' }),
      undefined,
    );
    // The greeting stays the conversation's first message, above what the visitor wrote.
    expect(conversation(harness).textContent).toMatch(/^Hi! Ask me anything\..*Hello, anyone there\?/);
    expect(harness.record()).toMatchObject({ email: null, threadId: THREAD, senderId: VISITOR, visitorToken: TOKEN });
  });

  it('says when a person usually replies, under the greeting, when the agent states it', async () => {
    const server = new FakeServer();
    server.replyMinutes = 90;
    const harness = await mountTestPanel({ server });
    expect(conversation(harness).textContent).toBe('Hi! Ask me anything.A person usually replies within 2 hours.');
    const silent = await mountTestPanel();
    expect(conversation(silent).textContent).not.toContain('usually replies');
  });

  it(
    'offers to keep the email after the first reply; "No thanks" keeps chatting, and a saved one is set once',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const harness = await mountTestPanel();
      typeInto(composer(harness), 'Hi');
      press(composer(harness), 'Enter');
      await harness.settle();
      await act(() => harness.connection.open());
      await harness.settle();
      expect(harness.dialog().querySelector('#ama-email')).toBeNull();

      const reply = harness.server.message(AGENT, 'Hello! How can I help?');
      act(() => harness.connection.deliver({ type: 'thread_message', thread_id: THREAD, data: reply }));
      await harness.settle();
      await offered(harness, 'Leave your email so we can reply if you go.');
      const email = harness.dialog().querySelector<HTMLInputElement>('#ama-email')!;
      expect(email.getAttribute('aria-label')).toBe('Email');
      expect(button(harness, 'No thanks')).toBeTruthy();

      typeInto(email, 'ada@example');
      act(() => button(harness, 'Save').click());
      expect(harness.dialog().querySelector('[role="alert"]')?.textContent).toBe(
        'That does not look like an email address (like name@example.com).',
      );
      typeInto(email, 'Ada@Example.com');
      act(() => button(harness, 'Save').click());
      await harness.settle();
      expect(harness.server.api.resolveThread).toHaveBeenLastCalledWith('demo', { email: 'ada@example.com' }, TOKEN);
      expect(harness.record()).toMatchObject({ email: 'ada@example.com', threadId: THREAD });
      expect(harness.dialog().querySelector('#ama-email')).toBeNull();
      expect(text(harness)).toContain('Thanks! We’ll reply to ada@example.com.');

      const declining = await mountTestPanel();
      typeInto(composer(declining), 'Hi');
      press(composer(declining), 'Enter');
      await declining.settle();
      await act(() => declining.connection.open());
      const hello = declining.server.message(AGENT, 'Hello!');
      act(() => declining.connection.deliver({ type: 'thread_message', thread_id: THREAD, data: hello }));
      await offered(declining, 'Leave your email so we can reply if you go.');
      act(() => button(declining, 'No thanks').click());
      expect(declining.dialog().querySelector('#ama-email')).toBeNull();
      expect(composer(declining).disabled).toBe(false);
    },
  );

  it('asks for the email when the visitor asks for a person, with the focus in the field', { timeout: TEST_TIMEOUT_MS }, async () => {
    const harness = await mountTestPanel();
    act(() => harness.controller.opened());
    typeInto(composer(harness), 'Hi');
    press(composer(harness), 'Enter');
    await harness.settle();
    act(() => button(harness, 'Talk to a person').click());
    await harness.settle();
    await offered(harness, 'Leave your email so we can reply if you go.');
    expect(harness.shadowRoot.activeElement).toBe(harness.dialog().querySelector('#ama-email'));
  });

  it(
    'asks for an email first on a server that starts no one without one, and keeps the first message',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const server = new FakeServer();
      server.requiresEmail = true;
      const harness = await mountTestPanel({ server });
      typeInto(composer(harness), 'Hello?');
      press(composer(harness), 'Enter');
      await harness.settle();
      await offered(harness, 'Enter your email address.');
      expect(text(harness)).toContain('Hello?');
      expect(button(harness, 'No thanks')).toBeUndefined();
      typeInto(harness.dialog().querySelector<HTMLInputElement>('#ama-email')!, 'ada@example.com');
      act(() => button(harness, 'Save').click());
      await harness.settle();
      expect(harness.server.api.resolveThread).toHaveBeenLastCalledWith(
        'demo',
        { email: 'ada@example.com', name: null, identity_token: null },
        null,
      );
      expect(harness.server.api.sendMessage).toHaveBeenCalledWith(
        'demo',
        THREAD,
        { visitorToken: TOKEN, email: 'ada@example.com' },
        expect.objectContaining({ content: 'Hello?' }),
        undefined,
      );
    },
  );

  it('is skipped when the page identified the visitor', async () => {
    const harness = await mountTestPanel({ identity: { email: 'grace@example.com', name: 'Grace' } });
    expect(harness.dialog().querySelector('input[type="email"]')).toBeNull();
    expect(harness.server.api.resolveThread).toHaveBeenCalledWith(
      'demo',
      { email: 'grace@example.com', name: 'Grace', identity_token: null },
      null,
    );
    expect(composer(harness)).toBeTruthy();
  });

  it('is skipped for a returning visitor: their thread resumes with the stored token', async () => {
    const harness = await mountTestPanel({ record: KNOWN });
    expect(harness.dialog().querySelector('input[type="email"]')).toBeNull();
    expect(harness.server.api.resolveThread).toHaveBeenCalledWith(
      'demo',
      { email: 'ada@example.com', name: 'Ada', identity_token: null },
      TOKEN,
    );
    expect(harness.engineInputs.map((input) => [input.threadId, input.visitorToken])).toEqual([[THREAD, TOKEN]]);
    expect(harness.record()).toMatchObject({ threadId: THREAD, visitorToken: TOKEN, senderId: VISITOR });
    expect(composer(harness)).toBeTruthy();
  });

  it('speaks German for locale de-DE', async () => {
    const server = new FakeServer();
    server.replyMinutes = 60;
    const harness = await mountTestPanel({ server, locale: 'de-DE' });
    expect(harness.dialog().getAttribute('lang')).toBe('de');
    expect(text(harness)).toContain('Eine Person antwortet meist innerhalb von 1 Stunde.');
    expect(composer(harness).getAttribute('aria-label')).toBe('Nachricht');
    expect(button(harness, 'Chat schließen')).toBeTruthy();
  });

  it('shows a retry when the thread cannot be resolved, and reports it', async () => {
    const server = new FakeServer();
    server.resolveError = new ApiError('rate_limited', 'slow down', true, 429, 12_000);
    const harness = await mountTestPanel({ server, identity: { email: 'ada@example.com' } });
    expect(text(harness)).toContain('Too many messages; try again in 12 s.');
    expect(harness.host.emit).toHaveBeenCalledWith('error', { code: 'rate_limited', message: 'slow down' });
    server.resolveError = null;
    act(() => button(harness, 'Try again').click());
    await harness.settle();
    expect(composer(harness)).toBeTruthy();
  });
});

describe('connection and error states', () => {
  it('paused: says so, and typing resumes the connection', async () => {
    const harness = await inConversation();
    act(() => harness.connection.setState({ status: 'paused', reason: 'idle' }));
    await harness.settle();
    expect(text(harness)).toContain('Paused — send a message to continue.');
    typeInto(composer(harness), 'h');
    expect(harness.connection.resumed).toBe(1);
  });

  it('failed with 4004: the conversation is gone, and "Start a new conversation" resolves a new one', async () => {
    const harness = await inConversation();
    act(() => harness.connection.setState({ status: 'failed', reason: 'not found', code: 4004 }));
    await harness.settle();
    expect(text(harness)).toContain('This conversation is no longer available.');
    expect(composer(harness).disabled).toBe(true);
    harness.server.supportsFresh = true;
    act(() => button(harness, 'Start a new conversation').click());
    await harness.settle();
    expect(harness.server.api.resolveThread).toHaveBeenLastCalledWith(
      'demo',
      expect.objectContaining({ email: 'ada@example.com', name: 'Ada', fresh: true }),
      TOKEN,
    );
    expect(harness.record().threadId).toBe('thread-2');
  });

  it('reconnecting (4503, drops): shows the retry time and a way to retry now', async () => {
    const harness = await inConversation();
    act(() =>
      harness.connection.setState({
        status: 'reconnecting',
        attempt: 2,
        retryAt: Date.now() + 7_000,
        lastClose: { code: 4503, reason: 'restarting' },
      }),
    );
    await harness.settle();
    expect(text(harness)).toMatch(/Reconnecting… next try in [78] s\./);
    act(() => button(harness, 'Retry now').click());
    expect(harness.connection.retried).toBe(1);
  });

  it('offline: says messages will wait', async () => {
    const harness = await inConversation();
    act(() => harness.connection.setState({ status: 'offline' }));
    await harness.settle();
    expect(text(harness)).toContain('You are offline.');
  });

  it('rate_limited error frame: "too many messages" with the wait', async () => {
    const harness = await inConversation();
    act(() =>
      harness.connection.deliver({
        type: 'error',
        data: { code: 'rate_limited', message: 'slow down', retryable: true, retry_after_ms: 20_000 },
      }),
    );
    await harness.settle();
    expect(text(harness)).toMatch(/Too many messages; try again in 2[01] s\./);
    expect(harness.host.emit).toHaveBeenCalledWith('error', { code: 'rate_limited', message: 'slow down' });
  });

  it('other failures (4000/4001): cannot connect, with a retry', async () => {
    const harness = await inConversation();
    act(() => harness.connection.setState({ status: 'failed', reason: 'bad', code: 4000 }));
    await harness.settle();
    expect(text(harness)).toContain('Cannot connect to the chat.');
    act(() => button(harness, 'Try again').click());
    expect(harness.connection.resumed).toBe(1);
  });
});

describe('conversation', () => {
  it('shows history, streams a reply in place, and announces the committed reply once', async () => {
    const server = new FakeServer();
    server.message(VISITOR, 'Hello there');
    const harness = await inConversation({ server });
    expect(text(harness)).toContain('Hello there');
    expect(liveRegion(harness).textContent).toBe('');

    const runtime = (data: Record<string, unknown>) => {
      act(() =>
        harness.connection.deliver({
          type: 'thread_runtime',
          thread_id: THREAD,
          data: { run_id: 'r1', agent_id: AGENT, in_reply_to: 'm-1', ...data, event_type: String(data.event_type) },
        }),
      );
    };
    runtime({ event_type: 'run_started' });
    await harness.settle();
    expect(text(harness)).toContain('Thinking…');
    runtime({ event_type: 'tool_call_started', tool_call_id: 't1', tool_name: 'lookup' });
    await harness.settle();
    expect(text(harness)).toContain('Looking that up for you…');
    runtime({ event_type: 'tool_call_completed', tool_call_id: 't1', tool_name: 'lookup', ok: true });
    runtime({ event_type: 'text_delta', content: 'Hi **Ada**' });
    runtime({ event_type: 'text_delta', content: ', how can I help?' });
    await harness.settle();
    const streaming = harness.dialog().querySelector('[aria-busy="true"]');
    expect(streaming?.textContent).toContain('Hi Ada, how can I help?');
    expect(streaming?.querySelector('strong')?.textContent).toBe('Ada');
    expect(liveRegion(harness).textContent).toBe('');

    const reply = server.message(AGENT, 'Hi **Ada**, how can I help?');
    runtime({ event_type: 'reply_committed', message_id: reply.id, thread_seq: reply.thread_seq });
    act(() => harness.connection.deliver({ type: 'thread_message', thread_id: THREAD, data: reply }));
    act(() => harness.connection.deliver({ type: 'thread_message', thread_id: THREAD, data: reply }));
    runtime({ event_type: 'run_finished' });
    await harness.settle();
    expect(harness.dialog().querySelector('[aria-busy="true"]')).toBeNull();
    expect(text(harness).match(/how can I help\?/g)).toHaveLength(2); // the bubble, and the live region
    expect(liveRegion(harness).textContent).toBe('Demo Agent: Hi **Ada**, how can I help?');
    expect(harness.host.emit).toHaveBeenCalledWith('message', {
      threadId: THREAD,
      senderId: AGENT,
      content: 'Hi **Ada**, how can I help?',
    });
    expect(harness.host.emit.mock.calls.filter(([name]) => name === 'message')).toHaveLength(1);
  });

  it('says approvals, escalations and people joining in the visitor’s words', async () => {
    const harness = await inConversation();
    const event = (event_type: string, data: Record<string, unknown>, sender = AGENT) => {
      const committed = harness.server.commit({ event_type, sender_id: sender, data });
      act(() => harness.connection.deliver({ type: 'thread_event', thread_id: THREAD, data: committed }));
    };
    event('approval_pending', {
      approval_id: 'ap1',
      run_id: 'r1',
      tool_name: 'issue_refund',
      expires_at: new Date(Date.now() + 60_000).toISOString(),
    });
    await harness.settle();
    expect(text(harness)).toContain('The team is checking a step before I continue…');
    expect(text(harness)).not.toContain('refund');
    event('approval_resolved', { approval_id: 'ap1', run_id: 'r1', decision: 'approve' });
    event('escalation_created', { run_id: 'r1', to: 'support', reason: 'asked for a human' });
    event('participant_joined', { sender_id: 'user:u-1', name: 'Alice' }, 'user:u-1');
    await harness.settle();
    expect(text(harness)).toContain('A team member approved it.');
    expect(text(harness)).not.toContain('Waiting for a team member');
    expect(text(harness)).toContain('A person from the team will join the conversation.');
    expect(text(harness)).toContain('Alice from the team joined the conversation.');
  });

  it('sends on Enter, not on Shift+Enter, and counts toward the 5,000 limit', async () => {
    const harness = await inConversation();
    const field = composer(harness);
    typeInto(field, 'first line');
    press(field, 'Enter', { shiftKey: true });
    expect(harness.server.api.sendMessage).not.toHaveBeenCalled();
    press(field, 'Enter');
    await harness.settle();
    expect(harness.server.api.sendMessage).toHaveBeenCalledWith(
      'demo',
      THREAD,
      { visitorToken: TOKEN, email: 'ada@example.com' },
      expect.objectContaining({ content: 'first line' }),
      undefined,
    );
    expect(field.value).toBe('');
    expect(text(harness)).toContain('first line');

    typeInto(field, 'x'.repeat(MAX_CONTENT_CHARS + 3));
    expect(harness.dialog().querySelector('#ama-counter')?.textContent).toBe('3 characters too long');
    expect(button(harness, 'Send').disabled).toBe(true);
    typeInto(field, '😀'.repeat(MAX_CONTENT_CHARS));
    expect(harness.dialog().querySelector('#ama-counter')?.textContent).toBe('5000 / 5000');
    expect(button(harness, 'Send').disabled).toBe(false);
  });

  it('keeps a bounded number of rows in the DOM, with "show earlier messages"', async () => {
    const server = new FakeServer();
    for (let i = 1; i <= 75; i++) server.message(i % 2 ? VISITOR : AGENT, `message ${i}`);
    const harness = await inConversation({ server });
    const bubbles = () => harness.dialog().querySelectorAll('section > div.flex').length;
    expect(bubbles()).toBeLessThanOrEqual(60);
    expect(text(harness)).toContain('message 75');
    act(() => button(harness, 'Show earlier messages').click());
    await harness.settle();
    expect(bubbles()).toBeGreaterThan(60);
  });
});

describe('unread and events', () => {
  it('counts messages from others while closed, tells the loader, remembers it, and resets on open', async () => {
    const harness = await inConversation();
    act(() => harness.controller.opened());
    act(() => harness.controller.closed());
    const reply = harness.server.message(AGENT, 'Are you still there?');
    act(() => harness.connection.deliver({ type: 'thread_message', thread_id: THREAD, data: reply }));
    await harness.settle();
    expect(harness.host.setUnread).toHaveBeenLastCalledWith(1);
    expect(harness.host.emit).toHaveBeenCalledWith('unread', { count: 1 });
    expect(harness.record().unread).toBe(1);

    act(() => harness.controller.opened());
    await harness.settle();
    expect(harness.host.setUnread).toHaveBeenLastCalledWith(0);
    expect(harness.record()).toMatchObject({ unread: 0, appliedSeq: reply.thread_seq });
  });

  it('new conversation forgets the thread but keeps who the visitor is', async () => {
    const harness = await inConversation({
      server: (() => {
        const server = new FakeServer();
        server.message(VISITOR, 'old question');
        return server;
      })(),
    });
    expect(text(harness)).toContain('old question');
    act(() => harness.controller.newConversation());
    await harness.settle();
    await act(() => harness.connection.open());
    await harness.settle();
    expect(harness.server.api.resolveThread).toHaveBeenCalledWith(
      'demo',
      expect.objectContaining({ email: 'ada@example.com', name: 'Ada', fresh: true }),
      TOKEN,
    );
    expect(harness.record()).toMatchObject({ email: 'ada@example.com', name: 'Ada', threadId: THREAD, visitorToken: TOKEN });
    // This server resumes the same thread for the same email: the old history is hidden.
    expect(text(harness)).not.toContain('old question');
  });

  it('new conversation gets a new thread where the server supports it ([ext] fresh)', async () => {
    const server = new FakeServer();
    server.supportsFresh = true;
    server.message(VISITOR, 'old question');
    const harness = await inConversation({ server });
    act(() => button(harness, 'New conversation').click());
    // It asks first (its words load on this first tap).
    await vi.waitFor(async () => {
      await harness.settle();
      expect(button(harness, 'Start new')).toBeTruthy();
    }, HISTORY_CHUNK_WAIT);
    act(() => button(harness, 'Start new').click());
    await harness.settle();
    expect(harness.record()).toMatchObject({ email: 'ada@example.com', threadId: 'thread-2', senderId: VISITOR });
    expect(text(harness)).not.toContain('old question');
    expect(composer(harness)).toBeTruthy();
  });
});

describe('keyboard and focus', () => {
  it('moves focus into the panel when opened, keeps Tab inside, and Esc asks to close', async () => {
    const harness = await inConversation();
    act(() => harness.controller.opened());
    expect(harness.shadowRoot.activeElement).toBe(composer(harness));

    const dialog = harness.dialog();
    const focusable = [...dialog.querySelectorAll<HTMLElement>('button:not([disabled]), textarea:not([disabled]), input:not([disabled])')];
    const first = focusable[0]!;
    const last = focusable[focusable.length - 1]!;
    act(() => last.focus());
    const forward = press(last, 'Tab');
    expect(forward.defaultPrevented).toBe(true);
    expect(harness.shadowRoot.activeElement).toBe(first);
    const backward = press(first, 'Tab', { shiftKey: true });
    expect(backward.defaultPrevented).toBe(true);
    expect(harness.shadowRoot.activeElement).toBe(last);

    press(composer(harness), 'Escape');
    expect(harness.host.requestClose).toHaveBeenCalledTimes(1);
  });

  it('focuses the composer first on a first run', async () => {
    const harness = await mountTestPanel();
    act(() => harness.controller.opened());
    expect(harness.shadowRoot.activeElement).toBe(composer(harness));
  });

  it('keeps the focus in the composer when the first message gives way to the conversation', async () => {
    const nextTask = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
    const harness = await mountTestPanel();
    act(() => harness.controller.opened());
    await nextTask();
    expect(harness.shadowRoot.activeElement).toBe(composer(harness));
    typeInto(composer(harness), 'Hello');
    press(composer(harness), 'Enter');
    await harness.settle();
    await nextTask();
    expect(harness.server.api.resolveThread).toHaveBeenCalledTimes(1);
    expect(harness.shadowRoot.activeElement).toBe(composer(harness));
  });

  it('every control has a name', async () => {
    const harness = await inConversation();
    for (const control of harness.dialog().querySelectorAll('button, textarea, input')) {
      const name = control.getAttribute('aria-label') ?? control.textContent?.trim() ?? '';
      expect(name, control.outerHTML).not.toBe('');
    }
  });
});

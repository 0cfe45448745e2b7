import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/core/api/api-error.ts';
import type { InboundEvent } from '../../src/core/protocol/server-frame-schemas.ts';
import { AGENT, FakeServer, mountTestPanel, THREAD, TOKEN, unmountAll, VISITOR, type Harness } from './testing/panel-harness.ts';

afterEach(() => unmountAll());

const ALICE = 'user:u-alice';
const KNOWN = { email: 'ada@example.com', name: 'Ada', threadId: THREAD, senderId: VISITOR, visitorToken: TOKEN };

const text = (harness: Harness) => harness.dialog().textContent ?? '';
const liveRegion = (harness: Harness) => harness.dialog().querySelector('[role="log"]')!.textContent;
const buttons = (harness: Harness, name: string) =>
  [...harness.dialog().querySelectorAll('button')].filter(
    (candidate) => (candidate.getAttribute('aria-label') ?? candidate.textContent) === name,
  );
/** The rows of the conversation (the list's children, after the greeting), by what they say. */
const rowTexts = (harness: Harness) =>
  [...harness.dialog().querySelectorAll('section > :not([data-greeting])')]
    .map((row) => row.textContent ?? '')
    .filter((row) => row !== 'Show earlier messages');

async function inConversation(server = new FakeServer(), locale?: string) {
  const harness = await mountTestPanel({ record: KNOWN, server, ...(locale ? { locale } : {}) });
  await act(() => harness.connection.open());
  await harness.settle();
  return harness;
}

/** What a visitor gets for a team-only event (CONTRACT §11): its place in the log, nothing else. */
function hidden(server: FakeServer): InboundEvent {
  const placeholder = {
    thread_id: server.threadId,
    thread_seq: server.lastSeq + 1,
    event_type: 'hidden',
    created_at: new Date().toISOString(),
  } as const;
  server.events.push(placeholder);
  return placeholder;
}

/** Commits an event on the fake server and delivers it live, as the public socket would. */
function live(harness: Harness, event_type: string, data: Record<string, unknown>, sender = ALICE) {
  const committed = harness.server.commit({ event_type, sender_id: sender, data });
  act(() => harness.connection.deliver({ type: 'thread_event', thread_id: THREAD, data: committed }));
}

/** Delivers what the server committed since `seq` as live frames (events; messages as thread_message). */
function deliverSince(harness: Harness, seq: number) {
  for (const event of harness.server.events.filter((candidate) => candidate.thread_seq > seq)) {
    act(() => harness.connection.deliver({ type: 'thread_event', thread_id: THREAD, data: event }));
  }
}

describe('hidden placeholders (CONTRACT §11: a team-only event on a public path)', () => {
  it('are nothing on screen and keep the log dense: history and live frames with them in between need no refetch', async () => {
    const server = new FakeServer();
    server.message(VISITOR, 'Where is my order?');
    hidden(server);
    hidden(server);
    server.message(AGENT, 'Let me check.');
    const harness = await inConversation(server);
    expect(rowTexts(harness)).toEqual(['You' + 'Where is my order?', 'Demo Agent' + 'Let me check.']);
    const polls = server.api.pollEvents.mock.calls.length;

    // Live: a placeholder, then a message right after it; then two placeholders in a row.
    const placeholder = hidden(server);
    act(() => harness.connection.deliver({ type: 'thread_event', thread_id: THREAD, data: placeholder }));
    const reply = server.message(ALICE, 'It ships tomorrow.');
    act(() => harness.connection.deliver({ type: 'thread_message', thread_id: THREAD, data: reply }));
    for (let i = 0; i < 2; i++) {
      const next = hidden(server);
      act(() => harness.connection.deliver({ type: 'thread_event', thread_id: THREAD, data: next }));
    }
    await harness.settle();

    // No gap was seen (no history read to fill one), and every seq is applied.
    expect(server.api.pollEvents.mock.calls.length).toBe(polls);
    expect(harness.engine()!.getThreadSnapshot(THREAD).health).toMatchObject({ status: 'synced', appliedSeq: server.lastSeq });
    // Nothing shows for them: no empty bubble, no line, nothing spoken.
    expect(rowTexts(harness)).toEqual(['You' + 'Where is my order?', 'Demo Agent' + 'Let me check.', 'Team member' + 'It ships tomorrow.']);
    expect(rowTexts(harness).every((row) => row.trim() !== '')).toBe(true);
    expect(liveRegion(harness)).toBe('Team member: It ships tomorrow.');
  });
});

describe('who answers (CONTRACT §11): waiting, joined, resolved', () => {
  it('says "Waiting for a person…" while waiting, "Alice joined" on a take-over, and announces each once', async () => {
    const harness = await inConversation();
    live(harness, 'status_changed', { status: 'waiting', previous: 'open', by: 'system' }, 'system');
    await harness.settle();
    expect(rowTexts(harness)).toContain('Waiting for a person…');
    expect(liveRegion(harness)).toBe('Waiting for a person…');

    live(harness, 'handoff', { to: ALICE, name: 'Alice', by: ALICE });
    await harness.settle();
    expect(rowTexts(harness).join('|')).not.toContain('Waiting for a person…');
    expect(rowTexts(harness)).toContain('Alice from the team joined the conversation.');
    expect(liveRegion(harness)).toBe('Waiting for a person…Alice from the team joined the conversation.');
  });

  it('a resolved conversation says so and offers a new one, which starts a new thread ([ext] fresh)', async () => {
    const server = new FakeServer();
    server.supportsFresh = true;
    const harness = await inConversation(server);
    live(harness, 'status_changed', { status: 'resolved', previous: 'open', by: ALICE });
    await harness.settle();
    expect(text(harness)).toContain('This conversation was resolved.');
    expect(liveRegion(harness)).toBe('This conversation was resolved.');
    const [startNew] = buttons(harness, 'Start a new conversation');
    expect(startNew).toBeDefined();

    act(() => startNew!.click());
    await harness.settle();
    expect(server.api.resolveThread).toHaveBeenLastCalledWith('demo', expect.objectContaining({ fresh: true }), TOKEN);
    expect(harness.record().threadId).toBe('thread-2');
  });

  it('names the person who took over on their replies (from the handoff), never with an email or an id', async () => {
    const server = new FakeServer();
    server.commit({ event_type: 'handoff', sender_id: ALICE, data: { to: ALICE, name: 'Alice', by: ALICE } });
    server.message(ALICE, 'Hi, Alice here.');
    const harness = await inConversation(server);
    live(harness, 'handoff', { to: 'user:u-bob', name: 'bob@example.com', by: 'user:u-bob' }, 'user:u-bob');
    const reply = server.message('user:u-bob', 'Bob now.');
    act(() => harness.connection.deliver({ type: 'thread_message', thread_id: THREAD, data: reply }));
    await harness.settle();
    expect(rowTexts(harness)).toEqual([
      'Alice from the team joined the conversation.',
      'Alice' + 'Hi, Alice here.',
      'Team member from the team joined the conversation.',
      'Team member' + 'Bob now.',
    ]);
    expect(text(harness)).not.toContain('bob@example.com');
    expect(liveRegion(harness)).toBe('Team member from the team joined the conversation.Team member: Bob now.');
  });

  it('says nothing at load of what the history already holds (a take-over, a resolution)', async () => {
    const server = new FakeServer();
    server.commit({ event_type: 'handoff', sender_id: ALICE, data: { to: ALICE, name: 'Alice', by: ALICE } });
    server.commit({ event_type: 'status_changed', sender_id: ALICE, data: { status: 'resolved', previous: 'open', by: ALICE } });
    const harness = await inConversation(server);
    expect(rowTexts(harness)).toEqual([
      'Alice from the team joined the conversation.',
      'This conversation was resolved.Start a new conversation',
    ]);
    expect(liveRegion(harness)).toBe('');
  });

  it('a conversation reopened after being resolved no longer offers a new one', async () => {
    const harness = await inConversation();
    live(harness, 'status_changed', { status: 'resolved', previous: 'open', by: ALICE });
    live(harness, 'status_changed', { status: 'open', previous: 'resolved', by: 'system' }, 'system');
    await harness.settle();
    expect(text(harness)).toContain('This conversation was resolved.');
    expect(buttons(harness, 'Start a new conversation')).toHaveLength(0);
  });
});

describe('"Talk to a person" (POST …/handoff-request against a fake server)', () => {
  it('is a named button in the header; the request is sent with the visitor token, and a repeat commits nothing', async () => {
    const harness = await inConversation();
    const [talk] = buttons(harness, 'Talk to a person');
    expect(talk?.getAttribute('title')).toBe('Talk to a person');
    const before = harness.server.lastSeq;

    act(() => talk!.click());
    await harness.settle();
    expect(harness.server.api.requestHandoff).toHaveBeenCalledWith('demo', THREAD, TOKEN);
    expect(harness.server.events.slice(before).map((event) => event.event_type)).toEqual(['escalation_created', 'status_changed']);
    deliverSince(harness, before);
    await harness.settle();
    expect(text(harness)).toContain('A person from the team will join the conversation.');
    expect(text(harness)).toContain('Waiting for a person…');

    act(() => buttons(harness, 'Talk to a person')[0]!.click());
    await harness.settle();
    expect(harness.server.api.requestHandoff).toHaveBeenCalledTimes(2);
    expect(harness.server.lastSeq).toBe(before + 2);
  });

  it('is offered as the reply to an escalation until the conversation waits for a person', async () => {
    const harness = await inConversation();
    live(harness, 'escalation_created', { run_id: 'r1', to: 'support', reason: 'refund over the limit' }, AGENT);
    await harness.settle();
    // The header's button and the one under the escalation.
    const offered = buttons(harness, 'Talk to a person');
    expect(offered).toHaveLength(2);
    const before = harness.server.lastSeq;

    act(() => offered[1]!.click());
    await harness.settle();
    expect(harness.server.api.requestHandoff).toHaveBeenCalledWith('demo', THREAD, TOKEN);
    deliverSince(harness, before);
    await harness.settle();
    expect(buttons(harness, 'Talk to a person')).toHaveLength(1);
    expect(text(harness)).toContain('Waiting for a person…');
  });

  it('says so when the request fails, and the conversation goes on', async () => {
    const server = new FakeServer();
    server.handoffError = new ApiError('server_error', 'down', true, 503);
    const harness = await inConversation(server);
    act(() => buttons(harness, 'Talk to a person')[0]!.click());
    await harness.settle();
    expect(harness.dialog().querySelector('[role="status"]')?.textContent).toContain('Something went wrong. Please try again.');
    expect(rowTexts(harness).join('|')).not.toContain('Waiting for a person…');
    expect(harness.dialog().querySelector('textarea')?.disabled).toBe(false);
  });

  it('speaks German', async () => {
    const harness = await inConversation(new FakeServer(), 'de');
    expect(buttons(harness, 'Mit einer Person sprechen')).toHaveLength(1);
    live(harness, 'status_changed', { status: 'waiting', previous: 'open', by: 'system' }, 'system');
    live(harness, 'handoff', { to: ALICE, name: 'Alice', by: ALICE });
    live(harness, 'status_changed', { status: 'resolved', previous: 'open', by: ALICE });
    await harness.settle();
    expect(text(harness)).toContain('Alice aus dem Team ist dem Gespräch beigetreten.');
    expect(text(harness)).toContain('Dieses Gespräch wurde abgeschlossen.');
    expect(buttons(harness, 'Neues Gespräch beginnen')).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import type { ThreadEvent } from '../../../src/core/protocol/model.ts';
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings } from '../../../src/core/protocol/notifications.ts';
import { evaluateRules, type ThreadAudience } from './notification-rules.ts';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const plan = { push: true, email: true, now: NOW, emailDelayMs: null };

let seq = 0;
const event = (
  type: ThreadEvent['event_type'],
  sender: string,
  data: Record<string, unknown> = {},
  content: string | null = null,
): ThreadEvent => ({
  event_id: `e${++seq}`,
  thread_id: 't',
  thread_seq: seq,
  event_type: type,
  sender_id: sender as ThreadEvent['sender_id'],
  content,
  created_at: new Date(NOW).toISOString(),
  data,
});

/** A visitor's conversation with the agent owned by Olga and Otto; Una is a user who joined it. */
const visitorThread = (settings = new Map<string, NotificationSettings>()): ThreadAudience => ({
  threadId: 't',
  title: 'Order 7',
  readers: new Set(['olga', 'otto', 'una']),
  waitingFor: ['olga', 'otto'],
  names: new Map([
    ['visitor:v', 'Vera'],
    ['user:olga', 'Olga'],
    ['agent:a', 'Helper'],
  ]),
  settings,
});
const who = (drafts: ReturnType<typeof evaluateRules>) => drafts.map((d) => [d.userId, d.kind, d.threadSeq]);

describe('evaluateRules', () => {
  it("a visitor's message: every reader is told (the agent's owners and users who joined), as `message`", () => {
    const sent = event('message_committed', 'visitor:v', { mentions: [] }, 'Where is my *order*?');
    const drafts = evaluateRules([sent], visitorThread(), plan);
    expect(who(drafts)).toEqual([
      ['olga', 'message', sent.thread_seq],
      ['otto', 'message', sent.thread_seq],
      ['una', 'message', sent.thread_seq],
    ]);
    expect(drafts[0]).toMatchObject({ title: 'New message from Vera', body: 'Where is my order?', deliveries: [] });
  });

  it('a message with files and no text says their names; with text, after it', () => {
    const file = (name: string) => ({ id: `f-${name}`, name, content_type: 'image/png', size: 10 });
    const filesOnly = event('message_committed', 'visitor:v', { mentions: [], attachments: [file('screen.png'), file('bill.pdf')] }, '');
    expect(evaluateRules([filesOnly], visitorThread(), plan)[0]).toMatchObject({ body: '📎 screen.png, bill.pdf' });
    const withText = event('message_committed', 'visitor:v', { mentions: [], attachments: [file('screen.png')] }, 'Look:\n\n**here**');
    expect(evaluateRules([withText], visitorThread(), plan)[0]).toMatchObject({ body: 'Look: here 📎 screen.png' });
  });

  it("waiting in a visitor's conversation: the agent's owners only, not the user who set it", () => {
    const waiting = event('status_changed', 'user:olga', { status: 'waiting', previous: 'open', by: 'user:olga' });
    expect(who(evaluateRules([waiting], visitorThread(), plan))).toEqual([['otto', 'waiting', waiting.thread_seq]]);
    const byAgent = event('status_changed', 'agent:a', { status: 'waiting', previous: 'open', by: 'agent:a' });
    expect(who(evaluateRules([byAgent], visitorThread(), plan))).toEqual([
      ['olga', 'waiting', byAgent.thread_seq],
      ['otto', 'waiting', byAgent.thread_seq],
    ]);
    expect(evaluateRules([event('status_changed', 'user:olga', { status: 'resolved', by: 'user:olga' })], visitorThread(), plan)).toEqual(
      [],
    );
  });

  it('approval_pending: every reader, with the approval, push at once and email after the delay', () => {
    const pending = event('approval_pending', 'agent:a', {
      approval_id: 'ap1',
      tool_name: 'refund',
      expires_at: '2026-12-06T12:01:00.000Z',
    });
    const drafts = evaluateRules([pending], visitorThread(), plan);
    expect(who(drafts)).toEqual(['olga', 'otto', 'una'].map((user) => [user, 'approval_pending', pending.thread_seq]));
    expect(drafts[0]).toEqual({
      userId: 'olga',
      kind: 'approval_pending',
      threadSeq: pending.thread_seq,
      title: 'Approval needed: refund',
      body: 'In Order 7',
      approval: { id: 'ap1', expiresAt: '2026-12-06T12:01:00.000Z' },
      deliveries: [
        { channel: 'push', dueAt: NOW },
        { channel: 'email', dueAt: NOW + 10 * 60_000 },
      ],
    });
  });

  it('assigned: only the new assignee who can read the thread, never the one who assigned', () => {
    const toOtto = event('assignee_changed', 'user:olga', { assignee_id: 'user:otto', previous: null, by: 'user:olga' });
    expect(evaluateRules([toOtto], visitorThread(), plan)[0]).toMatchObject({
      userId: 'otto',
      kind: 'assigned',
      title: 'Olga assigned a conversation to you',
      body: 'Order 7',
    });
    expect(
      evaluateRules([event('assignee_changed', 'user:olga', { assignee_id: 'user:olga', by: 'user:olga' })], visitorThread(), plan),
    ).toEqual([]);
    expect(
      evaluateRules([event('assignee_changed', 'user:olga', { assignee_id: 'user:stranger', by: 'user:olga' })], visitorThread(), plan),
    ).toEqual([]);
    expect(evaluateRules([event('assignee_changed', 'user:olga', { assignee_id: null, by: 'user:olga' })], visitorThread(), plan)).toEqual(
      [],
    );
  });

  it('a kind a user turned off makes nothing for them; channels and the email delay follow each user, in their language', () => {
    const settings = new Map<string, NotificationSettings>([
      ['olga', { ...DEFAULT_NOTIFICATION_SETTINGS, channels: { ...DEFAULT_NOTIFICATION_SETTINGS.channels, message: [] } }],
      [
        'otto',
        {
          ...DEFAULT_NOTIFICATION_SETTINGS,
          channels: { ...DEFAULT_NOTIFICATION_SETTINGS.channels, message: ['in_app', 'push'] },
          language: 'de',
        },
      ],
    ]);
    const sent = event('message_committed', 'visitor:v', {}, 'Hallo');
    const drafts = evaluateRules([sent], visitorThread(settings), plan);
    expect(drafts.map((d) => [d.userId, d.title, d.deliveries])).toEqual([
      ['otto', 'Neue Nachricht von Vera', [{ channel: 'push', dueAt: NOW }]],
      ['una', 'New message from Vera', []],
    ]);
    // A server without channels queues nothing.
    expect(
      evaluateRules([sent], visitorThread(settings), { ...plan, push: false, email: false }).every((d) => d.deliveries.length === 0),
    ).toBe(true);
  });

  it('a `message` draft carries how it joins the unread one: its sender and the counted titles, in the reader’s language', () => {
    const settings = new Map<string, NotificationSettings>([['otto', { ...DEFAULT_NOTIFICATION_SETTINGS, language: 'de' }]]);
    const sent = event('message_committed', 'visitor:v', { mentions: [] }, 'Hallo');
    const [olga, otto] = evaluateRules([sent], visitorThread(settings), plan);
    const made = (draft: typeof olga, count: number) => {
      const { from, in: inThread } = draft!.collapse!.titles;
      return [`${from.before}${count}${from.after}`, `${inThread.before}${count}${inThread.after}`];
    };
    expect(olga!.collapse).toMatchObject({ senderId: 'visitor:v', count: 1 });
    expect(made(olga, 3)).toEqual(['3 new messages from Vera', '3 new messages in Order 7']);
    expect(made(otto, 2)).toEqual(['2 neue Nachrichten von Vera', '2 neue Nachrichten in Order 7']);
    // Other kinds are one per (user, kind, seq): nothing to join.
    const mention = event('message_committed', 'visitor:v', { mentions: ['user:olga'] }, 'Hallo');
    expect(evaluateRules([mention], visitorThread(), plan).find((d) => d.kind === 'mention')!.collapse).toBeUndefined();
  });

  it('other events make nothing', () => {
    const quiet = ['participant_joined', 'mode_changed', 'note_added', 'run_failed', 'handoff', 'tool_call_started'] as const;
    expect(
      evaluateRules(
        quiet.map((type) => event(type, 'user:olga', { by: 'user:olga' })),
        visitorThread(),
        plan,
      ),
    ).toEqual([]);
  });
});

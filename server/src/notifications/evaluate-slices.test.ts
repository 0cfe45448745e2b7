import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ThreadEvent } from '../../../src/core/protocol/model.ts';
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings } from '../../../src/core/protocol/notifications.ts';
import { collapseDrafts } from '../storage/message-collapse.ts';
import type { NotificationDraft } from '../storage/stores/notification-store.ts';
import { evaluateSlices, type RulesSlice } from './evaluate-slices.ts';
import { evaluateRules, type ThreadAudience } from './notification-rules.ts';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const plan = { push: true, email: true, now: NOW, emailDelayMs: null };
const USERS = ['ann', 'bo', 'cy', 'di', 'ed'];

/**
 * The definition `evaluateSlices` must agree with: one draft per (event, user) by
 * `evaluateRules`, cut into slices of at most `maxWrites` writes (a user's `message` drafts of
 * a slice count once: storage joins them), each slice's drafts joined by `collapseDrafts`.
 */
function referenceSlices(events: readonly ThreadEvent[], audience: ThreadAudience, maxWrites: number): RulesSlice[] {
  const drafts = evaluateRules(events, audience, plan);
  const slices: { events: ThreadEvent[]; drafts: NotificationDraft[] }[] = [];
  let current: { events: ThreadEvent[]; drafts: NotificationDraft[] } = { events: [], drafts: [] };
  let writes = 0;
  let messaged = new Set<string>();
  for (const event of events) {
    const own = drafts.filter((draft) => draft.threadSeq === event.thread_seq);
    const added = own.filter((draft) => !draft.collapse || !messaged.has(draft.userId)).length;
    if (current.events.length > 0 && writes + added > maxWrites) {
      slices.push(current);
      current = { events: [], drafts: [] };
      writes = 0;
      messaged = new Set();
    }
    current.events.push(event);
    for (const draft of own) {
      if (draft.collapse && messaged.has(draft.userId)) continue;
      writes++;
      if (draft.collapse) messaged.add(draft.userId);
    }
    current.drafts.push(...own);
  }
  if (current.events.length > 0) slices.push(current);
  return slices.map((slice) => ({ events: slice.events, drafts: collapseDrafts(slice.drafts) }));
}

/** What storage sees of a slice: its events, and each user's drafts in order (users' drafts of one event may interleave otherwise). */
const byUser = (slices: RulesSlice[]) =>
  slices.map((slice) => ({
    seqs: slice.events.map((event) => event.thread_seq),
    drafts: Object.fromEntries(USERS.map((user) => [user, slice.drafts.filter((draft) => draft.userId === user)])),
    order: slice.drafts.map((draft) => draft.threadSeq),
  }));

const sender = fc.constantFrom('user:ann', 'user:bo', 'user:cy', 'visitor:v', 'agent:a');
const eventShape = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant('message' as const), sender, mentions: fc.subarray(USERS) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('approval' as const), sender: fc.constant('agent:a') }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('waiting' as const), sender }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('assigned' as const), sender, assignee: fc.constantFrom(...USERS) }) },
);
const settingsShape = fc.record({
  message: fc.constantFrom<NotificationSettings['channels']['message']>([], ['in_app'], ['in_app', 'push'], ['push', 'email']),
  language: fc.constantFrom('en' as const, 'de' as const),
});

/** An event as generated: what the rules look at. */
type Shape = { type: 'message' | 'approval' | 'waiting' | 'assigned'; sender: string; mentions?: string[]; assignee?: string };

function toEvents(shapes: readonly Shape[]): ThreadEvent[] {
  return shapes.map((shape, index) => {
    const base = {
      event_id: `e${index}`,
      thread_id: 't',
      thread_seq: index + 1,
      sender_id: shape.sender as ThreadEvent['sender_id'],
      content: null,
      created_at: new Date(NOW).toISOString(),
    };
    switch (shape.type) {
      case 'message':
        return {
          ...base,
          event_type: 'message_committed',
          content: `Message ${index}`,
          data: { mentions: (shape.mentions ?? []).map((user) => `user:${user}`) },
        };
      case 'approval':
        return {
          ...base,
          event_type: 'approval_pending',
          data: { approval_id: `ap${index}`, tool_name: 'refund', expires_at: '2026-12-07T12:01:00.000Z' },
        };
      case 'waiting':
        return { ...base, event_type: 'status_changed', data: { status: 'waiting', by: shape.sender } };
      default:
        return { ...base, event_type: 'assignee_changed', data: { assignee_id: `user:${shape.assignee}`, by: shape.sender } };
    }
  });
}

describe('evaluateSlices', () => {
  it('makes what the rules make, drafted per event, sliced and joined as storage would join them (property)', () => {
    fc.assert(
      fc.property(
        fc.array(eventShape, { minLength: 1, maxLength: 30 }),
        fc.array(settingsShape, { minLength: USERS.length, maxLength: USERS.length }),
        fc.integer({ min: 1, max: 12 }),
        (shapes, settings, maxWrites) => {
          const audience: ThreadAudience = {
            threadId: 't',
            title: 'Order 7',
            readers: new Set(USERS.slice(0, 4)),
            waitingFor: ['ann', 'bo', 'ed'],
            names: new Map([
              ['user:ann', 'Ann'],
              ['visitor:v', 'Vera'],
              ['agent:a', 'Helper'],
            ]),
            settings: new Map(
              USERS.map((user, index) => [
                user,
                {
                  ...DEFAULT_NOTIFICATION_SETTINGS,
                  language: settings[index]!.language,
                  channels: { ...DEFAULT_NOTIFICATION_SETTINGS.channels, message: settings[index]!.message },
                },
              ]),
            ),
          };
          const events = toEvents(shapes);
          const made = evaluateSlices(events, audience, plan, maxWrites);
          const expected = referenceSlices(events, audience, maxWrites);
          expect(byUser(made).map(({ seqs, drafts }) => ({ seqs, drafts }))).toEqual(
            byUser(expected).map(({ seqs, drafts }) => ({ seqs, drafts })),
          );
          // Drafts stay in event order (positions follow the events).
          for (const { order } of byUser(made)) expect(order).toEqual([...order].sort((a, b) => a - b));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a busy thread: 50 messages to a thousand readers are one draft each, counted, titled and timed as the newest', () => {
    const readers = Array.from({ length: 1_000 }, (_, index) => `reader-${index}`);
    const audience: ThreadAudience = {
      threadId: 't',
      title: 'Busy',
      readers: new Set(['ann', ...readers]),
      waitingFor: [],
      names: new Map([['user:ann', 'Ann']]),
      settings: new Map(),
    };
    const events = toEvents(Array.from({ length: 50 }, (): Shape => ({ type: 'message', sender: 'user:ann', mentions: [] })));
    const [slice, ...more] = evaluateSlices(events, audience, plan, 5_000);
    expect(more).toEqual([]);
    expect(slice!.events).toHaveLength(50);
    expect(slice!.drafts).toHaveLength(1_000);
    expect(slice!.drafts[0]).toMatchObject({
      userId: 'reader-0',
      kind: 'message',
      threadSeq: 50,
      title: '50 new messages from Ann',
      body: 'Message 49',
      collapse: { senderId: 'user:ann', count: 50 },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { logEntry } from '../../src/core/testing/timeline-builders.ts';
import { buildTimeline } from '../../src/core/timeline/build-timeline.ts';
import { participantNames, visitorSenderOf } from './visitor-identity.ts';

describe('visitor identity', () => {
  it('finds the visitor in participant_joined, else in any event they sent', () => {
    expect(
      visitorSenderOf([
        { thread_seq: 1, event_type: 'participant_joined', sender_id: 'agent:a', data: { sender_id: 'agent:a' } },
        { thread_seq: 2, event_type: 'participant_joined', sender_id: 'visitor:v', data: { sender_id: 'visitor:v', name: 'Ada' } },
      ]),
    ).toBe('visitor:v');
    expect(visitorSenderOf([{ thread_seq: 1, event_type: 'message_committed', sender_id: 'visitor:w', content: 'hi' }])).toBe('visitor:w');
    expect(visitorSenderOf([{ thread_seq: 1, event_type: 'participant_joined', sender_id: 'agent:a', data: {} }])).toBeNull();
  });

  it('reads participant names from the log', () => {
    const { items } = buildTimeline({
      entries: [
        logEntry(1, 'participant_joined', { sender_id: 'user:1', name: ' Alice ' }),
        logEntry(2, 'participant_joined', { sender_id: 'user:2', name: 42 }),
        logEntry(3, 'mode_changed', { sender_id: 'user:3', name: 'Nope', participation_mode: 'open' }),
      ],
      outbox: [],
      runs: [],
      selfSenderId: 'visitor:me',
    });
    const names = participantNames(items);
    expect([...names]).toEqual([['user:1', 'Alice']]);
  });
});

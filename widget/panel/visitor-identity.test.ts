import { describe, expect, it } from 'vitest';
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
    const names = participantNames([
      { kind: 'event', type: 'participant_joined', data: { sender_id: 'user:1', name: ' Alice ' } },
      { kind: 'event', type: 'participant_joined', data: { sender_id: 'user:2', name: 42 } },
      { kind: 'event', type: 'mode_changed', data: { sender_id: 'user:3', name: 'Nope' } },
    ]);
    expect([...names]).toEqual([['user:1', 'Alice']]);
  });
});

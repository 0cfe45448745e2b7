import { randomUUID } from 'node:crypto';
import type { Participant, ThreadEvent } from '../../../src/core/protocol/model.ts';
import type { NewEvent } from './storage.ts';

/** Any event of the log, `message_committed` included (which only a message's commit writes). */
export type AnyNewEvent = NewEvent | (Omit<NewEvent, 'eventType'> & { eventType: 'message_committed' });

/** A new event of the thread's log as both storages write it, before it takes its seq. */
export function unsequencedEvent(threadId: string, input: AnyNewEvent, createdAt: string): Omit<ThreadEvent, 'thread_seq'> {
  return {
    event_id: randomUUID(),
    thread_id: threadId,
    event_type: input.eventType,
    sender_id: input.senderId,
    content: input.content,
    created_at: createdAt,
    data: input.data,
  };
}

/** The `participant_joined` event a new thread commits for each of its participants. */
export function participantJoined(participant: Participant): NewEvent {
  return {
    eventType: 'participant_joined',
    senderId: participant.sender_id,
    content: null,
    data: { sender_id: participant.sender_id, name: participant.name },
  };
}

import { describe, expect, it } from 'vitest';
import { parseEventBody, parseMessageCommittedData } from './event-data.ts';
import { durableEvents } from './fixtures.ts';

describe('parseEventBody', () => {
  const nonMessages = Object.values(durableEvents).filter((event) => event.event_type !== 'message_committed');

  it.each(nonMessages.map((event) => ({ type: event.event_type, event })))('types the data of every $type fixture', ({ type, event }) => {
    const body = parseEventBody(type, event.data);
    expect(body.type).toBe(type);
  });

  it('keeps the fields the contract gives, typed', () => {
    expect(parseEventBody('approval_resolved', durableEvents.approval_resolved.data)).toMatchObject({
      type: 'approval_resolved',
      data: { approval_id: durableEvents.approval_resolved.data.approval_id, decision: 'approve', tool_name: 'refund' },
    });
    expect(parseEventBody('run_failed', durableEvents.run_failed.data)).toMatchObject({
      data: { error: { code: 'upstream_error', message: 'The agent stopped with an internal error.', retryable: true } },
    });
  });

  it('turns data that does not fit into an `other` event, marked invalid, without throwing', () => {
    expect(parseEventBody('approval_pending', { tool_name: 'x' })).toEqual({ type: 'other', name: 'approval_pending', invalid: true });
    expect(parseEventBody('mode_changed', { participation_mode: 'sometimes' })).toEqual({
      type: 'other',
      name: 'mode_changed',
      invalid: true,
    });
    expect(parseEventBody('tool_call_started', 'not an object')).toEqual({ type: 'other', name: 'tool_call_started', invalid: true });
  });

  it('keeps an event type it does not know as `other`, not invalid', () => {
    expect(parseEventBody('poll_created', { question: '?' })).toEqual({ type: 'other', name: 'poll_created', invalid: false });
  });

  it('accepts a failed run whose error is a bare message', () => {
    expect(parseEventBody('run_failed', { run_id: 'r', error: 'boom' })).toMatchObject({
      data: { error: { code: 'upstream_error', message: 'boom', retryable: false } },
    });
  });
});

describe('parseMessageCommittedData', () => {
  it('reads the message fields and treats data that does not fit as absent', () => {
    expect(parseMessageCommittedData(durableEvents.message_committed.data)).toMatchObject({
      message_id: durableEvents.message_committed.data.message_id,
      role: 'user',
    });
    expect(parseMessageCommittedData({ message_id: 7 })).toEqual({});
    expect(parseMessageCommittedData(undefined)).toEqual({});
  });
});

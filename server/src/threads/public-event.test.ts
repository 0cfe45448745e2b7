import { describe, expect, it } from 'vitest';
import { durableEvents } from '../../../src/core/protocol/fixtures.ts';
import { ownershipEvents } from '../../../src/core/protocol/ownership-fixtures.ts';
import type { ThreadEvent } from '../../../src/core/protocol/model.ts';
import { Outbound } from '../realtime/outbound.ts';
import { TEAM_ONLY_EVENT_TYPES, publicEvent, publicFrame } from './public-event.ts';

/** An event of a type this branch may not know yet, as it would arrive from the log. */
const assigneeChanged: ThreadEvent = JSON.parse(
  JSON.stringify({
    ...durableEvents.mode_changed,
    event_type: 'assignee_changed',
    data: { assignee_id: 'user:x', previous: null, by: 'user:y' },
  }),
);

describe('publicEvent: the one rule of what a visitor sees (CONTRACT §11)', () => {
  it('hides note_added and assignee_changed as {thread_id, thread_seq, event_type: "hidden", created_at}', () => {
    expect([...TEAM_ONLY_EVENT_TYPES].sort()).toEqual(['assignee_changed', 'note_added']);
    for (const event of [ownershipEvents.note_added, assigneeChanged]) {
      expect(publicEvent(event)).toStrictEqual({
        thread_id: event.thread_id,
        thread_seq: event.thread_seq,
        event_type: 'hidden',
        created_at: event.created_at,
      });
    }
  });

  it('shows every other event as it is', () => {
    const ownership = [ownershipEvents.status_changed, ownershipEvents.handoff, ownershipEvents.handback];
    for (const event of [...Object.values(durableEvents), ...ownership]) expect(publicEvent(event)).toBe(event);
  });

  it('applies the same rule to thread_event frames, and leaves other frames alone', () => {
    const frame = { type: 'thread_event' as const, thread_id: assigneeChanged.thread_id, data: assigneeChanged };
    expect(publicFrame(frame)).toStrictEqual({ type: 'thread_event', thread_id: frame.thread_id, data: publicEvent(assigneeChanged) });
    const mode = { type: 'thread_event' as const, thread_id: frame.thread_id, data: durableEvents.mode_changed };
    expect(publicFrame(mode)).toBe(mode);
    const typing = {
      type: 'thread_typing' as const,
      thread_id: frame.thread_id,
      data: { sender_id: 'user:x', status: 'started' as const },
    };
    expect(publicFrame(typing)).toBe(typing);
  });
});

describe("Outbound's public encoding", () => {
  it("is the team's bytes for anything not team-only, and the placeholder's for a note, also for frames received encoded", () => {
    const note = ownershipEvents.note_added;
    const local = new Outbound(note.thread_id, { type: 'thread_event', thread_id: note.thread_id, data: note }, note);
    const encoded = Outbound.fromEncoded(note.thread_id, null, { ws: local.ws, eventBytes: local.eventBytes, seq: note.thread_seq });
    for (const outbound of [local, encoded]) {
      expect(JSON.parse(outbound.publicWs.toString())).toStrictEqual({
        type: 'thread_event',
        thread_id: note.thread_id,
        data: publicEvent(note),
      });
      expect(outbound.publicWs.toString()).not.toContain(note.data.content);
      expect(outbound.publicWsFrame.subarray(outbound.publicWsFrame.length - outbound.publicWs.length).equals(outbound.publicWs)).toBe(
        true,
      );
      // The team's sockets still get the note.
      expect(JSON.parse(outbound.ws.toString()).data).toStrictEqual(note);
    }
    const mode = durableEvents.mode_changed;
    const shown = new Outbound(mode.thread_id, { type: 'thread_event', thread_id: mode.thread_id, data: mode }, mode);
    expect(shown.publicWs).toBe(shown.ws);
    expect(shown.publicWsFrame).toBe(shown.wsFrame);
    const live = new Outbound(mode.thread_id, {
      type: 'thread_typing',
      thread_id: mode.thread_id,
      data: { sender_id: 'user:x', status: 'started' },
    });
    expect(live.publicWsFrame).toBe(live.wsFrame);
  });
});

import { describe, expect, it } from 'vitest';
import { fixtureThread } from '../protocol/fixtures.ts';
import type { InboundThread } from '../protocol/rest-schemas.ts';
import { ThreadSummaries, mergeSummary } from './thread-summaries.ts';

const ME = 'user:me';
const NOW = '2026-11-29T00:00:00.000Z';
const now = () => NOW;
const base: InboundThread = { ...fixtureThread, id: 't', last_seq: 10, read_seq: 8, unread_count: 2, visitor: undefined } as InboundThread;
const message = (seq: number | null, senderId = 'user:bob', content = `m${seq}`) => ({
  seq,
  senderId,
  content,
  createdAt: `2026-11-28T10:00:${String(seq ?? 0).padStart(2, '0')}.000Z`,
});

describe('ThreadSummaries', () => {
  it('counts a message from others once, however often it is delivered', () => {
    const summaries = new ThreadSummaries(ME);
    expect(summaries.message('t', message(11))).toMatchObject({ lastSeq: 11, fromOthers: [11], lastMessage: { content: 'm11', seq: 11 } });
    expect(summaries.message('t', message(11))).toBeNull();
    expect(summaries.message('t', message(12, ME))).toMatchObject({ lastSeq: 12, fromOthers: [11], lastMessage: { senderId: ME } });
    expect(summaries.seq('t', 12)).toBeNull();
    expect(summaries.seq('t', 13)).toMatchObject({ lastSeq: 13 });
    expect(summaries.read('t', 13)).toMatchObject({ readSeq: 13 });
    expect(summaries.read('t', 12)).toBeNull();
  });
});

describe('mergeSummary', () => {
  it('brings the list’s thread up to date, and merging again changes nothing', () => {
    const summaries = new ThreadSummaries(ME);
    summaries.message('t', message(9)); // Already in the server's count.
    summaries.message('t', message(11));
    const summary = summaries.message('t', message(12))!;
    const merged = mergeSummary(base, summary, now);
    expect(merged).toMatchObject({
      last_seq: 12,
      unread_count: 4,
      last_message: { content: 'm12', sender_id: 'user:bob' },
      updated_at: message(12).createdAt,
    });
    expect(mergeSummary(merged, summary, now)).toBe(merged);
  });

  it('clears the unread count when read here or elsewhere up to the end', () => {
    const summaries = new ThreadSummaries(ME);
    const merged = mergeSummary(base, summaries.message('t', message(11))!, now);
    expect(merged.unread_count).toBe(3);
    const read = mergeSummary(merged, summaries.read('t', 11)!, now);
    expect(read).toMatchObject({ read_seq: 11, unread_count: 0 });
    // A later message from others is unread again.
    expect(mergeSummary(read, summaries.message('t', message(12))!, now)).toMatchObject({ unread_count: 1, last_seq: 12 });
  });

  it('a read part way, told from elsewhere, leaves exactly the later messages from others unread', () => {
    const summaries = new ThreadSummaries(ME);
    const fetched: InboundThread = { ...base, last_seq: 10, read_seq: 10, unread_count: 0 };
    summaries.message('t', message(11));
    summaries.message('t', message(12, ME));
    let merged = mergeSummary(fetched, summaries.message('t', message(13))!, now);
    expect(merged.unread_count).toBe(2);
    merged = mergeSummary(merged, summaries.read('t', 11)!, now);
    expect(merged).toMatchObject({ read_seq: 11, last_seq: 13, unread_count: 1 });
    expect(mergeSummary(merged, summaries.get('t'), now)).toBe(merged);
  });

  it('shows a seed server’s message without a seq as the preview, without counting it', () => {
    const summaries = new ThreadSummaries(ME);
    const merged = mergeSummary(base, summaries.message('t', message(null, 'user:bob', 'hello'))!, now);
    expect(merged).toMatchObject({ last_seq: 10, unread_count: 2, last_message: { content: 'hello' } });
  });
});

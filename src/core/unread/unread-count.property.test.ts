import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ThreadSummaries, mergeSummary, type ThreadSummary } from '../engine/thread-summaries.ts';
import { fixtureThread } from '../protocol/fixtures.ts';
import type { InboundThread } from '../protocol/rest-schemas.ts';
import { countUnread, countUnreadSeqs } from './unread-count.ts';

const ME = 'user:me';
const OTHER = 'user:bob';
const T = 't1';
const now = () => '2026-12-05T00:00:00.000Z';

/** Deliver the next message, deliver an earlier one again, or tell a read position (stale, repeated, or ahead). */
type Op = { kind: 'next' } | { kind: 'again'; pick: number } | { kind: 'read'; seq: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ kind: 'next' }),
  fc.nat({ max: 40 }).map((pick): Op => ({ kind: 'again', pick })),
  fc.nat({ max: 40 }).map((seq): Op => ({ kind: 'read', seq })),
);

/** The thread as the server would list it in this state (what a REST fetch returns). */
function listed(seqs: number[], own: boolean[], readSeq: number): InboundThread {
  const last = seqs.length;
  const unread = seqs.filter((seq) => seq > readSeq && !own[seq - 1]).length;
  return { ...fixtureThread, id: T, last_seq: last, read_seq: readSeq, unread_count: unread, visitor: undefined } as InboundThread;
}

describe('unread counter', () => {
  it('equals a direct recount of the final state, however messages and reads arrive', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        fc.array(opArb, { maxLength: 80 }),
        fc.nat(),
        (own, ops, fetchAt) => {
          const summaries = new ThreadSummaries(ME);
          const delivered: number[] = [];
          let maxRead = 0;
          let cached: InboundThread | null = null;
          const fetchIndex = fetchAt % (ops.length + 1);
          const merge = (summary: ThreadSummary | null) => {
            if (summary && cached) cached = mergeSummary(cached, summary, now);
          };
          const deliver = (seq: number) =>
            merge(summaries.message(T, { seq, senderId: own[seq - 1] ? ME : OTHER, content: `m${seq}`, createdAt: now() }));
          ops.forEach((op, index) => {
            if (index === fetchIndex) cached = listed(delivered, own, maxRead);
            if (op.kind === 'next' && delivered.length < own.length) {
              delivered.push(delivered.length + 1);
              deliver(delivered.length);
            } else if (op.kind === 'again' && delivered.length > 0) {
              deliver(delivered[op.pick % delivered.length]!);
            } else if (op.kind === 'read') {
              maxRead = Math.max(maxRead, op.seq);
              merge(summaries.read(T, op.seq));
            }
          });
          cached ??= listed(delivered, own, maxRead);

          const recount = delivered.filter((seq) => seq > maxRead && !own[seq - 1]).length;
          const summary = summaries.get(T);
          expect(countUnreadSeqs(summary.readSeq, summary.fromOthers)).toBe(recount);
          const messages = delivered.map((seq) => ({ seq, senderId: own[seq - 1] ? ME : OTHER }));
          expect(countUnread(maxRead, [...messages, ...messages], ME)).toBe(recount);
          // The thread list's copy, kept by merging every summary change into the fetched thread.
          expect(cached.unread_count).toBe(recount);
        },
      ),
      { numRuns: 300 },
    );
  });
});

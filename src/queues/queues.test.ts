import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { fixtureWaitingThread } from '../core/protocol/ownership-fixtures.ts';
import { threadSchema, type InboundThread } from '../core/protocol/rest-schemas.ts';
import { inQueue } from './queues.ts';

const SELF = 'user:0000000a-0000-4000-8000-00000000000a';
/** The waiting fixture as the inbox reads it off the wire. */
const waiting: InboundThread = v.parse(threadSchema, fixtureWaitingThread);

describe('inQueue', () => {
  it('a thread of mine that is resolved or snoozed leaves Mine; unassigned likewise leaves Unassigned', () => {
    const mine = { ...waiting, assignee_id: SELF };
    const nobodys = { ...waiting, assignee_id: null };
    expect(inQueue(mine, 'mine', SELF)).toBe(true);
    expect(inQueue({ ...mine, status: 'open' as const }, 'mine', SELF)).toBe(true);
    expect(inQueue({ ...mine, status: 'resolved' as const }, 'mine', SELF)).toBe(false);
    expect(inQueue({ ...mine, status: 'snoozed' as const }, 'mine', SELF)).toBe(false);
    expect(inQueue(nobodys, 'unassigned', SELF)).toBe(true);
    expect(inQueue({ ...nobodys, status: 'resolved' as const }, 'unassigned', SELF)).toBe(false);
    expect(inQueue({ ...nobodys, status: 'snoozed' as const }, 'unassigned', SELF)).toBe(false);
    // Every thread is in All, whatever its status.
    expect(inQueue({ ...mine, status: 'resolved' as const }, 'all', SELF)).toBe(true);
  });

  it('a thread from a server without ownership (no status) stays where its assignee puts it', () => {
    const { status: _status, ...bare } = { ...waiting, assignee_id: null };
    expect(inQueue(bare, 'unassigned', SELF)).toBe(true);
  });
});

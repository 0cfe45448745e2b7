import { describe, expect, it } from 'vitest';
import type { ThreadRecord, UserRecord } from '../storage/storage.ts';
import { SendPathCache } from './send-path-cache.ts';

/** A stand-in for the users table: the test changes rows behind the cache's back, as another process would. */
function usersTable() {
  const rows = new Map<string, UserRecord>();
  const put = (id: string, name: string, disabled = false, sessionVersion = 0) =>
    rows.set(id, {
      id,
      name,
      disabled,
      sessionVersion,
      email: `${id}@example.com`,
      avatarUrl: null,
      passwordHash: 'x',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  return { rows, put, users: { get: async (id: string) => rows.get(id) } };
}

const thread = (id: string) => ({ id, kind: 'private', participants: [] }) as unknown as ThreadRecord;

describe('SendPathCache', () => {
  it('keeps enabled users: a later change in the table is not read (the commit checks it instead)', async () => {
    const table = usersTable();
    const lookup = new SendPathCache().userLookup(table.users);
    table.put('u1', 'Ann');
    expect(await lookup('u1')).toEqual({ id: 'u1', name: 'Ann', disabled: false, sessionVersion: 0 });
    table.put('u1', 'Ann Renamed', true);
    expect(await lookup('u1')).toEqual({ id: 'u1', name: 'Ann', disabled: false, sessionVersion: 0 });
  });

  it('never keeps a disabled or missing user: once enabled or created, the next lookup sees it', async () => {
    const table = usersTable();
    const lookup = new SendPathCache().userLookup(table.users);
    expect(await lookup('u2')).toBeUndefined();
    table.put('u2', 'Ben', true);
    expect((await lookup('u2'))?.disabled).toBe(true);
    table.put('u2', 'Ben', false);
    expect((await lookup('u2'))?.disabled).toBe(false);
  });

  it('knows a thread only for the users granted it, and forgets user, thread and access when a commit refused', async () => {
    const table = usersTable();
    const cache = new SendPathCache();
    const lookup = cache.userLookup(table.users);
    table.put('u1', 'Ann');
    await lookup('u1');
    cache.granted('u1', thread('t1'));
    expect(cache.accessibleThread('u1', 't1')?.id).toBe('t1');
    expect(cache.accessibleThread('u2', 't1')).toBeUndefined();
    expect(cache.accessibleThread('u1', 't2')).toBeUndefined();

    table.put('u1', 'Ann', true);
    cache.forget('u1', 't1');
    expect(cache.accessibleThread('u1', 't1')).toBeUndefined();
    expect((await lookup('u1'))?.disabled).toBe(true);
  });

  it('reads the account again for a token of another session version than the cached one (a password change)', async () => {
    const table = usersTable();
    const lookup = new SendPathCache().userLookup(table.users);
    table.put('u3', 'Cy');
    expect((await lookup('u3', 0))?.sessionVersion).toBe(0);
    table.put('u3', 'Cy', false, 1);
    // The old token's version still matches the cached entry: the commit's recheck refuses it instead.
    expect((await lookup('u3', 0))?.sessionVersion).toBe(0);
    // A token signed in after the change is not refused by a stale entry.
    expect((await lookup('u3', 1))?.sessionVersion).toBe(1);
    expect((await lookup('u3', 1))?.sessionVersion).toBe(1);
  });
});

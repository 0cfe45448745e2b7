import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SqliteStorage } from '../storage/sqlite/sqlite-storage.ts';
import { AccountWatch, type SessionEnd } from './account-watch.ts';

/** Records what the watch logs. */
const lines: unknown[][] = [];
const log = { info: (...args: unknown[]) => lines.push(args), warn: (...args: unknown[]) => lines.push(args) };

describe('AccountWatch', () => {
  const storage = new SqliteStorage(':memory:');

  async function user(): Promise<string> {
    const id = randomUUID();
    await storage.users.create({ id, email: `${id}@example.com`, name: 'U', avatarUrl: null, passwordHash: 'x' });
    return id;
  }

  it('ends the sessions of disabled and vanished users only, once, and forgets them', async () => {
    const watch = new AccountWatch(storage, log, 60_000);
    const [kept, disabled] = [await user(), await user()];
    const vanished = randomUUID();
    const ended: [string, SessionEnd][] = [];
    const session = (id: string, label: string) => watch.add(id, 0, (why) => ended.push([label, why]));
    session(kept, 'kept');
    session(disabled, 'disabled-1');
    session(disabled, 'disabled-2');
    session(vanished, 'vanished');
    const forgotten = session(disabled, 'closed before');
    forgotten();

    expect(await watch.check()).toBe(1);
    expect(ended).toEqual([['vanished', 'unknown']]);
    await storage.users.setDisabled(disabled, true);
    expect(await watch.check()).toBe(2);
    expect(ended.slice(1)).toEqual([
      ['disabled-1', 'disabled'],
      ['disabled-2', 'disabled'],
    ]);
    expect(watch.userCount).toBe(1);
    expect(lines.slice(-1)).toEqual([[{ sessions: 2 }, 'ended the open sessions of disabled accounts and changed passwords']]);
    expect(await watch.check()).toBe(0);
  });

  it('ends the sessions begun before a password change only, and not those begun after it', async () => {
    const watch = new AccountWatch(storage, log, 60_000);
    const id = await user();
    const ended: string[] = [];
    watch.add(id, 0, (why) => ended.push(`before: ${why}`));
    await storage.users.setPassword(id, 'y');
    expect((await storage.users.get(id))?.sessionVersion).toBe(1);
    watch.add(id, 1, (why) => ended.push(`after: ${why}`));
    expect(await watch.check()).toBe(1);
    expect(ended).toEqual(['before: signed_out']);
    expect(watch.userCount).toBe(1);
    expect(await watch.check()).toBe(0);
  });

  it('runs one check at a time: a second call while one runs shares its result', async () => {
    const watch = new AccountWatch(storage, log, 60_000);
    const id = await user();
    watch.add(id, 0, () => undefined);
    await storage.users.setDisabled(id, true);
    const [first, second] = await Promise.all([watch.check(), watch.check()]);
    expect([first, second]).toEqual([1, 1]);
  });
});

import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { users, type ContractOpen } from './fixtures.ts';

/** Storage contract rules of users: disabling and password changes. */
export function userRules(open: ContractOpen): void {
  it('rule 16: a new user is enabled; disabling and enabling is seen by every way of reading users; unknown users are false', async () => {
    const { storage } = await open();
    const [a, b] = await users(storage, 2);
    const email = `${a}@example.com`;
    expect((await storage.users.get(a!))?.disabled).toBe(false);
    expect(await storage.users.setDisabled(a!, true)).toBe(true);
    expect((await storage.users.get(a!))?.disabled).toBe(true);
    expect((await storage.users.byEmail(email))?.disabled).toBe(true);
    expect(new Map((await storage.users.many([a!, b!])).map((user) => [user.id, user.disabled]))).toEqual(
      new Map([
        [a, true],
        [b, false],
      ]),
    );
    expect((await storage.users.list()).find((user) => user.id === a)?.disabled).toBe(true);
    // Disabling twice is no error: the user is there, and stays disabled.
    expect(await storage.users.setDisabled(a!, true)).toBe(true);
    expect(await storage.users.setDisabled(a!, false)).toBe(true);
    expect((await storage.users.get(a!))?.disabled).toBe(false);
    expect(await storage.users.setDisabled(randomUUID(), true)).toBe(false);
    // Nothing else about the user changes.
    expect(await storage.users.get(a!)).toMatchObject({ id: a, email, name: 'U0', passwordHash: 'x' });
    await storage.close();
  });

  it("rule 17: setUserPassword replaces only that user's password hash and bumps their session version; unknown users are false", async () => {
    const { storage } = await open();
    const [a, b] = await users(storage, 2);
    expect((await storage.users.get(a!))?.sessionVersion).toBe(0);
    expect(await storage.users.setPassword(a!, 'scrypt$new')).toBe(true);
    expect(await storage.users.get(a!)).toMatchObject({ passwordHash: 'scrypt$new', disabled: false, name: 'U0', sessionVersion: 1 });
    expect(await storage.users.setPassword(a!, 'scrypt$newer')).toBe(true);
    expect((await storage.users.many([a!, b!])).map((user) => user.sessionVersion)).toEqual([2, 0]);
    expect(await storage.users.setPassword(a!, 'scrypt$new')).toBe(true);
    expect((await storage.users.byEmail(`${a}@example.com`))?.passwordHash).toBe('scrypt$new');
    expect((await storage.users.get(b!))?.passwordHash).toBe('x');
    expect(await storage.users.setPassword(randomUUID(), 'scrypt$other')).toBe(false);
    await storage.close();
  });
}

import type postgres from 'postgres';
import { now, toUser, type Row } from './rows.ts';
import type { NewUser, UserRecord } from '../storage.ts';
import type { UserStore } from '../stores/user-store.ts';

/** Users (inbox accounts) in PostgreSQL. */
export class PostgresUsers implements UserStore {
  constructor(private readonly sql: postgres.Sql) {}

  async get(id: string): Promise<UserRecord | undefined> {
    const [row] = await this.sql<Row[]>`SELECT * FROM users WHERE id = ${id}`;
    return row && toUser(row);
  }

  /** Case-insensitive, as emails are unique regardless of case. */
  async byEmail(email: string): Promise<UserRecord | undefined> {
    const [row] = await this.sql<Row[]>`SELECT * FROM users WHERE lower(email) = lower(${email})`;
    return row && toUser(row);
  }

  /** The users that exist among `ids`, in the order asked. */
  async many(ids: readonly string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql<Row[]>`SELECT * FROM users WHERE id = ANY(${this.sql.array([...ids])}::text[])`;
    const byId = new Map(rows.map((row) => [row.id as string, toUser(row)]));
    return ids.map((id) => byId.get(id)).filter((user) => user !== undefined);
  }

  async list(): Promise<UserRecord[]> {
    return (await this.sql<Row[]>`SELECT * FROM users ORDER BY name COLLATE "C"`).map(toUser);
  }

  async create(input: NewUser): Promise<UserRecord> {
    const createdAt = now();
    await this.sql`
      INSERT INTO users (id, email, name, avatar_url, password_hash, created_at)
      VALUES (${input.id}, ${input.email}, ${input.name}, ${input.avatarUrl}, ${input.passwordHash}, ${createdAt})`;
    return { ...input, disabled: false, sessionVersion: 0, createdAt };
  }

  /** Turns an account off or on; false when there is no such user. */
  async setDisabled(userId: string, disabled: boolean): Promise<boolean> {
    return (await this.sql`UPDATE users SET disabled = ${disabled} WHERE id = ${userId}`).count > 0;
  }

  /** Replaces the password hash and ends every session of the user (a new session version); false when there is no such user. */
  async setPassword(userId: string, passwordHash: string): Promise<boolean> {
    return (
      (await this.sql`UPDATE users SET password_hash = ${passwordHash}, session_version = session_version + 1 WHERE id = ${userId}`).count >
      0
    );
  }
}

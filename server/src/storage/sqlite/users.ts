import type Database from 'better-sqlite3';
import { now, toUser, type Row } from './rows.ts';
import type { NewUser, UserRecord } from '../storage.ts';
import type { UserStore } from '../stores/user-store.ts';

/** Users (inbox accounts) in the SQLite file. */
export class SqliteUsers implements UserStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      byId: db.prepare('SELECT * FROM users WHERE id = ?'),
      // One statement for a thread's whole audience: a call per user cost more than the rows (issue 18).
      byIds: db.prepare('SELECT * FROM users WHERE id IN (SELECT value FROM json_each(?))'),
      byEmail: db.prepare('SELECT * FROM users WHERE email = ?'),
      all: db.prepare('SELECT * FROM users ORDER BY name'),
      insert: db.prepare('INSERT INTO users (id, email, name, avatar_url, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      setDisabled: db.prepare('UPDATE users SET disabled = ? WHERE id = ?'),
      setPassword: db.prepare('UPDATE users SET password_hash = ?, session_version = session_version + 1 WHERE id = ?'),
    };
  }

  async get(id: string): Promise<UserRecord | undefined> {
    const row = this.stmt.byId.get(id) as Row | undefined;
    return row && toUser(row);
  }

  async byEmail(email: string): Promise<UserRecord | undefined> {
    const row = this.stmt.byEmail.get(email) as Row | undefined;
    return row && toUser(row);
  }

  /** The users that exist among `ids`, in the order asked. */
  async many(ids: readonly string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    const rows = this.stmt.byIds.all(JSON.stringify(ids)) as Row[];
    const byId = new Map(rows.map((row) => [String(row.id), toUser(row)]));
    return ids.map((id) => byId.get(id)).filter((user) => user !== undefined);
  }

  async list(): Promise<UserRecord[]> {
    return (this.stmt.all.all() as Row[]).map(toUser);
  }

  async create(input: NewUser): Promise<UserRecord> {
    const createdAt = now();
    this.stmt.insert.run(input.id, input.email, input.name, input.avatarUrl, input.passwordHash, createdAt);
    return { ...input, disabled: false, sessionVersion: 0, createdAt };
  }

  async setDisabled(userId: string, disabled: boolean): Promise<boolean> {
    return this.stmt.setDisabled.run(disabled ? 1 : 0, userId).changes > 0;
  }

  async setPassword(userId: string, passwordHash: string): Promise<boolean> {
    return this.stmt.setPassword.run(passwordHash, userId).changes > 0;
  }
}

import type Database from 'better-sqlite3';
import { now, toUser, type Row } from './rows.ts';
import type { NewUser, UserRecord } from '../storage.ts';

/** Users (inbox accounts) in the SQLite file. */
export class SqliteUsers {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      byId: db.prepare('SELECT * FROM users WHERE id = ?'),
      byEmail: db.prepare('SELECT * FROM users WHERE email = ?'),
      all: db.prepare('SELECT * FROM users ORDER BY name'),
      insert: db.prepare('INSERT INTO users (id, email, name, avatar_url, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      setDisabled: db.prepare('UPDATE users SET disabled = ? WHERE id = ?'),
      setPassword: db.prepare('UPDATE users SET password_hash = ?, session_version = session_version + 1 WHERE id = ?'),
    };
  }

  get(id: string): UserRecord | undefined {
    const row = this.stmt.byId.get(id) as Row | undefined;
    return row && toUser(row);
  }

  byEmail(email: string): UserRecord | undefined {
    const row = this.stmt.byEmail.get(email) as Row | undefined;
    return row && toUser(row);
  }

  many(ids: readonly string[]): UserRecord[] {
    return ids
      .map((id) => this.stmt.byId.get(id) as Row | undefined)
      .filter((row) => row !== undefined)
      .map(toUser);
  }

  list(): UserRecord[] {
    return (this.stmt.all.all() as Row[]).map(toUser);
  }

  create(input: NewUser): UserRecord {
    const createdAt = now();
    this.stmt.insert.run(input.id, input.email, input.name, input.avatarUrl, input.passwordHash, createdAt);
    return { ...input, disabled: false, sessionVersion: 0, createdAt };
  }

  setDisabled(userId: string, disabled: boolean): boolean {
    return this.stmt.setDisabled.run(disabled ? 1 : 0, userId).changes > 0;
  }

  setPassword(userId: string, passwordHash: string): boolean {
    return this.stmt.setPassword.run(passwordHash, userId).changes > 0;
  }
}

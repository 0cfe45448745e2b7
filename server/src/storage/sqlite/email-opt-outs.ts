import type Database from 'better-sqlite3';
import type { NotificationKind } from '../../../../src/core/protocol/notifications.ts';
import type { EmailOptOutStore } from '../stores/email-opt-out-store.ts';

/** Kinds whose email users turned off (one-click unsubscribe), in the SQLite file. */
export class SqliteEmailOptOuts implements EmailOptOutStore {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      turnOff: db.prepare('INSERT INTO email_opt_outs (user_id, kind, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      kinds: db.prepare('SELECT kind FROM email_opt_outs WHERE user_id = ? ORDER BY kind'),
    };
  }

  async turnOff(userId: string, kind: NotificationKind, at: string): Promise<void> {
    this.stmt.turnOff.run(userId, kind, at);
  }

  async kindsOf(userId: string): Promise<NotificationKind[]> {
    return (this.stmt.kinds.all(userId) as { kind: NotificationKind }[]).map((row) => row.kind);
  }
}

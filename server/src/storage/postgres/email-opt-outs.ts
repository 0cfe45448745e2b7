import type postgres from 'postgres';
import type { NotificationKind } from '../../../../src/core/protocol/notifications.ts';
import type { EmailOptOutStore } from '../stores/email-opt-out-store.ts';

/** Kinds whose email users turned off (one-click unsubscribe), in PostgreSQL. */
export class PostgresEmailOptOuts implements EmailOptOutStore {
  constructor(private readonly sql: postgres.Sql) {}

  async turnOff(userId: string, kind: NotificationKind, at: string): Promise<void> {
    await this.sql`INSERT INTO email_opt_outs (user_id, kind, created_at) VALUES (${userId}, ${kind}, ${at}) ON CONFLICT DO NOTHING`;
  }

  async kindsOf(userId: string): Promise<NotificationKind[]> {
    const rows = await this.sql<{ kind: NotificationKind }[]>`SELECT kind FROM email_opt_outs WHERE user_id = ${userId} ORDER BY kind`;
    return rows.map((row) => row.kind);
  }
}

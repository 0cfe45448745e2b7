import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { iso, type Row } from './rows.ts';
import { sealedColumn, type SecretBox } from '../secrets/secret-box.ts';
import type { NewPushSubscription, PushStore, PushSubscriptionRecord, VapidKeyPair } from '../stores/push-store.ts';

const toSubscription = (row: Row): PushSubscriptionRecord => ({
  id: row.id as string,
  userId: row.user_id as string,
  endpoint: row.endpoint as string,
  p256dh: row.p256dh as string,
  auth: row.auth as string,
  createdAt: iso(row.created_at),
  lastUsedAt: row.last_used_at === null ? null : iso(row.last_used_at),
});

/** VAPID keys (one pair shared by every process) and push subscriptions, in PostgreSQL. */
export class PostgresPush implements PushStore {
  constructor(
    private readonly sql: postgres.Sql,
    private readonly secrets: SecretBox,
  ) {}

  async vapidKeys(candidate: VapidKeyPair): Promise<VapidKeyPair> {
    const sealed = this.secrets.seal(candidate.privateKey, sealedColumn.vapidPrivateKey());
    // Processes starting together race here: the first insert wins and every one reads the winner.
    await this.sql`INSERT INTO vapid_keys (id, public_key, private_key, created_at)
      VALUES (1, ${candidate.publicKey}, ${sealed}, now()) ON CONFLICT (id) DO NOTHING`;
    const [row] = await this.sql<{ public_key: string; private_key: string }[]>`
      SELECT public_key, private_key FROM vapid_keys WHERE id = 1`;
    return { publicKey: row!.public_key, privateKey: this.secrets.open(row!.private_key, sealedColumn.vapidPrivateKey()) };
  }

  async subscribe(input: NewPushSubscription): Promise<{ subscription: PushSubscriptionRecord; created: boolean }> {
    const id = randomUUID();
    const [row] = await this.sql<Row[]>`
      INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at)
      VALUES (${id}, ${input.userId}, ${input.endpoint}, ${input.p256dh}, ${input.auth}, now())
      ON CONFLICT (user_id, endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth
      RETURNING *`;
    return { subscription: toSubscription(row!), created: row!.id === id };
  }

  async listForUser(userId: string): Promise<PushSubscriptionRecord[]> {
    const rows = await this.sql<Row[]>`SELECT * FROM push_subscriptions WHERE user_id = ${userId} ORDER BY created_at, id`;
    return rows.map(toSubscription);
  }

  async listForUsers(userIds: readonly string[]): Promise<Map<string, PushSubscriptionRecord[]>> {
    const found = new Map<string, PushSubscriptionRecord[]>(userIds.map((userId) => [userId, []]));
    if (userIds.length === 0) return found;
    const rows = await this.sql<Row[]>`
      SELECT * FROM push_subscriptions WHERE user_id = ANY (${[...new Set(userIds)]}::text[]) ORDER BY user_id, created_at, id`;
    for (const row of rows) {
      const subscription = toSubscription(row);
      found.get(subscription.userId)?.push(subscription);
    }
    return found;
  }

  async remove(userId: string, id: string): Promise<boolean> {
    const result = await this.sql`DELETE FROM push_subscriptions WHERE id = ${id} AND user_id = ${userId}`;
    return result.count > 0;
  }

  async removeGone(id: string): Promise<boolean> {
    const result = await this.sql`DELETE FROM push_subscriptions WHERE id = ${id}`;
    return result.count > 0;
  }

  async touch(id: string, at: string): Promise<void> {
    await this.sql`UPDATE push_subscriptions SET last_used_at = ${at} WHERE id = ${id}`;
  }

  async touchMany(ids: readonly string[], at: string): Promise<void> {
    if (ids.length === 0) return;
    // Locked in id order first: two processes touching overlapping batches then lock the rows in
    // the same order (an UPDATE alone locks them in the order it scans, and could deadlock).
    await this.sql`
      WITH locked AS (SELECT id FROM push_subscriptions WHERE id = ANY (${[...new Set(ids)]}::text[]) ORDER BY id FOR UPDATE)
      UPDATE push_subscriptions AS s SET last_used_at = ${at} FROM locked WHERE s.id = locked.id`;
  }
}

import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { sealedColumn, type SecretBox } from '../secrets/secret-box.ts';
import type { NewPushSubscription, PushStore, PushSubscriptionRecord, VapidKeyPair } from '../stores/push-store.ts';

interface SubscriptionRow {
  id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: string;
  last_used_at: string | null;
}

const toSubscription = (row: SubscriptionRow): PushSubscriptionRecord => ({
  id: row.id,
  userId: row.user_id,
  endpoint: row.endpoint,
  p256dh: row.p256dh,
  auth: row.auth,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});

/** VAPID keys and push subscriptions in the SQLite file. */
export class SqlitePush implements PushStore {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly secrets: SecretBox,
  ) {
    this.stmt = {
      insertKeys: db.prepare(
        'INSERT INTO vapid_keys (id, public_key, private_key, created_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      ),
      keys: db.prepare('SELECT public_key, private_key FROM vapid_keys WHERE id = 1'),
      // A re-subscribing browser keeps its row (and id) with its new keys.
      upsert: db.prepare(
        `INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at)
         VALUES (@id, @userId, @endpoint, @p256dh, @auth, @now)
         ON CONFLICT (user_id, endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth
         RETURNING *`,
      ),
      list: db.prepare('SELECT * FROM push_subscriptions WHERE user_id = ? ORDER BY created_at, id'),
      listMany: db.prepare(
        'SELECT * FROM push_subscriptions WHERE user_id IN (SELECT value FROM json_each(?)) ORDER BY user_id, created_at, id',
      ),
      remove: db.prepare('DELETE FROM push_subscriptions WHERE id = ? AND user_id = ?'),
      removeGone: db.prepare('DELETE FROM push_subscriptions WHERE id = ?'),
      touch: db.prepare('UPDATE push_subscriptions SET last_used_at = ? WHERE id = ?'),
      touchMany: db.prepare('UPDATE push_subscriptions SET last_used_at = ? WHERE id IN (SELECT value FROM json_each(?))'),
    };
  }

  async vapidKeys(candidate: VapidKeyPair): Promise<VapidKeyPair> {
    const sealed = this.secrets.seal(candidate.privateKey, sealedColumn.vapidPrivateKey());
    this.stmt.insertKeys.run(candidate.publicKey, sealed, new Date().toISOString());
    const row = this.stmt.keys.get() as { public_key: string; private_key: string };
    return { publicKey: row.public_key, privateKey: this.secrets.open(row.private_key, sealedColumn.vapidPrivateKey()) };
  }

  async subscribe(input: NewPushSubscription): Promise<{ subscription: PushSubscriptionRecord; created: boolean }> {
    const id = randomUUID();
    const row = this.stmt.upsert.get({ ...input, id, now: new Date().toISOString() }) as SubscriptionRow;
    return { subscription: toSubscription(row), created: row.id === id };
  }

  async listForUser(userId: string): Promise<PushSubscriptionRecord[]> {
    return (this.stmt.list.all(userId) as SubscriptionRow[]).map(toSubscription);
  }

  async listForUsers(userIds: readonly string[]): Promise<Map<string, PushSubscriptionRecord[]>> {
    const found = new Map<string, PushSubscriptionRecord[]>(userIds.map((userId) => [userId, []]));
    if (userIds.length === 0) return found;
    for (const row of this.stmt.listMany.all(JSON.stringify([...new Set(userIds)])) as SubscriptionRow[]) {
      const subscription = toSubscription(row);
      found.get(subscription.userId)?.push(subscription);
    }
    return found;
  }

  async remove(userId: string, id: string): Promise<boolean> {
    return this.stmt.remove.run(id, userId).changes > 0;
  }

  async removeGone(id: string): Promise<boolean> {
    return this.stmt.removeGone.run(id).changes > 0;
  }

  async touch(id: string, at: string): Promise<void> {
    this.stmt.touch.run(at, id);
  }

  async touchMany(ids: readonly string[], at: string): Promise<void> {
    if (ids.length > 0) this.stmt.touchMany.run(at, JSON.stringify([...new Set(ids)]));
  }
}

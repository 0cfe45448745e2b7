/** The server's VAPID key pair (RFC 8292), one per database; the private key is sealed at rest. */
export interface VapidKeyPair {
  /** Uncompressed P-256 point, base64url (what browsers take as `applicationServerKey`). */
  publicKey: string;
  /** The 32-byte private scalar, base64url. */
  privateKey: string;
}

/** A browser's push subscription of one user (CONTRACT §12). `endpoint` and `auth` are credentials: never log them. */
export interface PushSubscriptionRecord {
  id: string;
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  createdAt: string;
  lastUsedAt: string | null;
}
export type NewPushSubscription = Pick<PushSubscriptionRecord, 'userId' | 'endpoint' | 'p256dh' | 'auth'>;

/** Web push: the VAPID keys and users' push subscriptions (`storage.push`). */
export interface PushStore {
  /**
   * The database's VAPID keys: `candidate` is stored when there are none yet, and whichever
   * keys were stored first (by this or another process) are returned, so all processes share one pair.
   */
  vapidKeys(candidate: VapidKeyPair): Promise<VapidKeyPair>;
  /**
   * Adds a subscription, or, when the user already has one with this endpoint, gives that
   * one back with the new keys (a browser that re-subscribed): never a duplicate.
   */
  subscribe(input: NewPushSubscription): Promise<{ subscription: PushSubscriptionRecord; created: boolean }>;
  /** A user's subscriptions, oldest first. */
  listForUser(userId: string): Promise<PushSubscriptionRecord[]>;
  /** {@link listForUser} of many users in one read (a delivery batch); every user asked for is in the map. */
  listForUsers(userIds: readonly string[]): Promise<Map<string, PushSubscriptionRecord[]>>;
  /** Removes one of the user's subscriptions; false when that user has none with this id. */
  remove(userId: string, id: string): Promise<boolean>;
  /** Removes a subscription whatever its user (its push service said it is gone); false when already gone. */
  removeGone(id: string): Promise<boolean>;
  /** Records a successful push to it. */
  touch(id: string, at: string): Promise<void>;
  /** {@link touch} of many subscriptions in one write (the pushes of a delivery batch); unknown ids are ignored. */
  touchMany(ids: readonly string[], at: string): Promise<void>;
}

import { createHash, randomUUID } from 'node:crypto';
import type { NewThread, Storage } from '../storage.ts';

/** Opens an empty storage for one rule; `reopen` (when the storage keeps data across opens) opens the same data again. */
export type ContractOpen = () => Promise<{ storage: Storage; reopen?: () => Promise<Storage> }>;

/** A new private thread of these users (the first creates it). */
export const thread = (userIds: string[], extra: Partial<NewThread> = {}): NewThread => ({
  kind: 'private',
  title: 'T',
  participationMode: 'open',
  participants: userIds.map((id) => ({ sender_id: `user:${id}`, name: id.slice(0, 4), avatar_url: null })),
  extraAudience: [],
  createdBy: `user:${userIds[0]}`,
  initialMessage: null,
  ...extra,
});
/** A new user message to `threadId`. */
export const message = (threadId: string, senderId: string, content: string, clientMessageId: string = randomUUID()) => ({
  threadId,
  senderId,
  role: 'user' as const,
  content,
  clientMessageId,
  mentions: [],
  baseSeq: null,
  latestSeenSeq: null,
});

/** A token's sha256, as stored. */
export const hash = (token: string) => createHash('sha256').update(token).digest('hex');
/** A new agent owned by `owner`. */
export const newAgent = (storage: Storage, owner: string) =>
  storage.agents.create(
    {
      id: randomUUID(),
      slug: `a-${randomUUID().slice(0, 8)}`,
      name: 'A',
      avatarUrl: null,
      greeting: 'hi',
      themeColor: '#000',
      engine: 'demo',
    },
    [owner],
  );

/** `count` new users; their ids. */
export async function users(storage: Storage, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    await storage.users.create({ id, email: `${id}@example.com`, name: `U${i}`, avatarUrl: null, passwordHash: 'x' });
    ids.push(id);
  }
  return ids;
}

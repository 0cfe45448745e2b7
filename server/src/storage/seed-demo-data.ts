import { randomUUID } from 'node:crypto';
import { hashPassword } from '../auth/passwords.ts';
import type { Storage } from './storage.ts';

export const DEMO_PASSWORD = 'password123';
export const DEMO_USERS = [
  { email: 'alice@example.com', name: 'Alice' },
  { email: 'bob@example.com', name: 'Bob' },
] as const;
export const DEMO_AGENT_SLUG = 'demo';

/**
 * Seeds a new database with the demo data of CONTRACT §10: Alice and Bob, the `demo`
 * agent owned by Alice, and one thread between the three. Does nothing on a database
 * that already has users, or that another process is seeding at the same moment.
 */
export async function seedDemoData(storage: Storage): Promise<boolean> {
  if ((await storage.users.byEmail(DEMO_USERS[0].email)) || (await storage.users.list()).length > 0) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const newUser = (user: (typeof DEMO_USERS)[number]) =>
    storage.users.create({ id: randomUUID(), email: user.email, name: user.name, avatarUrl: null, passwordHash });
  let alice;
  try {
    alice = await newUser(DEMO_USERS[0]);
  } catch (error) {
    // Several processes started together on one empty database: the one that created Alice seeds the rest.
    if (await storage.users.byEmail(DEMO_USERS[0].email)) return false;
    throw error;
  }
  const bob = await newUser(DEMO_USERS[1]);
  const agent = await storage.agents.create(
    {
      id: randomUUID(),
      slug: DEMO_AGENT_SLUG,
      name: 'Demo Agent',
      avatarUrl: null,
      greeting: 'Hi! I am the demo agent. Ask me anything, or try /tool, /approve, /fail or /long.',
      themeColor: '#4f46e5',
      engine: 'demo',
    },
    [alice.id],
  );
  await storage.threads.create({
    kind: 'private',
    title: 'Welcome',
    participationMode: 'open',
    participants: [
      { sender_id: `user:${alice.id}`, name: alice.name, avatar_url: null },
      { sender_id: `user:${bob.id}`, name: bob.name, avatar_url: null },
      { sender_id: `agent:${agent.id}`, name: agent.name, avatar_url: null },
    ],
    extraAudience: [],
    createdBy: `user:${alice.id}`,
    initialMessage: {
      senderId: `agent:${agent.id}`,
      role: 'agent',
      content:
        'Welcome! This thread has Alice, Bob and me, the demo agent. Write anything and I will answer; try **/tool**, **/approve**, **/fail** or **/long**.',
      clientMessageId: 'seed:welcome',
      mentions: [],
      baseSeq: 0,
      latestSeenSeq: 0,
    },
  });
  return true;
}

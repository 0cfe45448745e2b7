import { expect, it } from 'vitest';
import { runAdminCli } from './admin-cli.ts';
import { api, sendBody } from './test-server.ts';
import { sleep } from './test-socket.ts';
import { waitFor, type Receiver } from './webhook-receiver.ts';

/** How long "nothing more arrives" is watched for once the subscription is off. */
export const QUIET_MS = 500;
/** Long enough for a busy machine's processes to commit, poll (1 s) and deliver. */
const SETTLE_TIMEOUT_MS = 15_000;

export interface Session {
  token: string;
  user: { id: string };
}

type Server = { url: string };

export interface RevocationCase {
  /** Where the creator subscribes. */
  subscribeVia: Server;
  /** Where the other participant sends (another process in a cluster: its dispatcher delivers). */
  sendVia: Server;
  creator: Session;
  sender: Session;
  threadId: string;
  receiver: Receiver;
  /** Takes the creator's rights away, as an administrator or the database would, telling no server. */
  revoke(): Promise<void>;
  /** The subscription's `active` as stored (read from the database, not through a server). */
  storedActive(subscriptionId: string): Promise<boolean>;
  /** The `inactive_reason` the listing must show afterwards. */
  reason: string;
}

async function send(server: Server, session: Session, threadId: string, content: string): Promise<number> {
  const response = await api(server, 'POST', `/chat/threads/${threadId}/messages`, { token: session.token, body: sendBody(content) });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.message.thread_seq as number;
}

/**
 * The creator subscribes and one event is delivered; then `revoke` ends the creator's rights
 * and more is committed. Nothing committed after the change reaches the receiver, the
 * subscription is turned off in storage, and the thread's listing says why.
 */
export async function expectRevocationStopsDeliveries(c: RevocationCase): Promise<void> {
  const subscribed = await api(c.subscribeVia, 'POST', `/chat/threads/${c.threadId}/webhooks`, {
    token: c.creator.token,
    body: { callback_url: c.receiver.url },
  });
  expect(subscribed.status, JSON.stringify(subscribed.body)).toBe(201);
  const subscriptionId: string = subscribed.body.subscription_id;
  c.receiver.secret = subscribed.body.secret;
  const seqsHere = () => c.receiver.deliveries.filter((d) => d.event?.thread_id === c.threadId).map((d) => d.event.thread_seq as number);

  const before = await send(c.sendVia, c.sender, c.threadId, 'before the change');
  await waitFor('the delivery from before the change', () => seqsHere().includes(before), SETTLE_TIMEOUT_MS);

  await c.revoke();
  const after = [await send(c.sendVia, c.sender, c.threadId, 'after the change'), await send(c.sendVia, c.sender, c.threadId, 'and more')];
  // Either the dispatcher turns it off (what must happen), or the events go out anyway (what did happen).
  await waitFor(
    'the subscription turned off, or a delivery after the change',
    async () => seqsHere().some((seq) => after.includes(seq)) || !(await c.storedActive(subscriptionId)),
    SETTLE_TIMEOUT_MS,
  );
  await sleep(QUIET_MS);
  expect(seqsHere()).toEqual([before]);
  expect(c.receiver.deliveries.every((delivery) => delivery.verified)).toBe(true);
  expect(await c.storedActive(subscriptionId)).toBe(false);

  const listed = await api(c.sendVia, 'GET', `/chat/threads/${c.threadId}/webhooks`, { token: c.sender.token });
  expect(listed.status).toBe(200);
  expect(listed.body.webhooks).toEqual([
    {
      subscription_id: subscriptionId,
      thread_id: c.threadId,
      callback_url: c.receiver.url,
      active: false,
      inactive_reason: c.reason,
      created_by: `user:${c.creator.user.id}`,
      created_at: subscribed.body.created_at,
    },
  ]);
}

/** The creators of the three revocations (one each, so that the cases never meet) and the sender. */
export const REVOCATION_PEOPLE = {
  disabled: { email: 'carol@example.com', name: 'Carol' },
  passwordChanged: { email: 'dan@example.com', name: 'Dan' },
  lostAccess: { email: 'erin@example.com', name: 'Erin' },
  sender: { email: 'frank@example.com', name: 'Frank' },
} as const;

const NEW_PASSWORD = 'a new password for Dan';

/** One deployment's way to the revocation cases: its servers, its database and its admin CLI settings. */
export interface RevocationWorld {
  /** The sender's thread with the creator, and a fresh receiver. */
  setUp(creatorEmail: string): Promise<Pick<RevocationCase, 'creator' | 'sender' | 'threadId' | 'receiver' | 'subscribeVia' | 'sendVia'>>;
  storedActive(subscriptionId: string): Promise<boolean>;
  /** The settings `npm run admin` runs with: the database. */
  adminSettings(): Record<string, string>;
  /** Deletes the creator's access row as a removal would take it, telling no server; how many rows went. */
  removeAccess(threadId: string, userId: string): Promise<number>;
}

/**
 * The three ways a creator loses their rights, each a test: disabled or given a new password
 * with `npm run admin`, or their access row gone. `outcome` says, in the suite's words, what
 * must then hold ("nothing committed after it is posted").
 */
export function itStopsDeliveriesWithTheCreatorsRights(world: RevocationWorld, outcome: string): void {
  const admin = async (args: string[], input?: string) => {
    const result = await runAdminCli(args, world.adminSettings(), input);
    expect(result.code, result.stderr).toBe(0);
  };
  const { disabled, passwordChanged, lostAccess } = REVOCATION_PEOPLE;

  it(`a creator disabled with npm run admin: ${outcome} (creator_disabled)`, async () => {
    await expectRevocationStopsDeliveries({
      ...(await world.setUp(disabled.email)),
      storedActive: world.storedActive,
      reason: 'creator_disabled',
      revoke: () => admin(['disable-user', '--email', disabled.email]),
    });
  });

  it(`a creator's password set with npm run admin: ${outcome} (creator_password_changed)`, async () => {
    await expectRevocationStopsDeliveries({
      ...(await world.setUp(passwordChanged.email)),
      storedActive: world.storedActive,
      reason: 'creator_password_changed',
      revoke: () => admin(['set-password', '--email', passwordChanged.email, '--password-stdin'], NEW_PASSWORD),
    });
  });

  it(`a creator who no longer sees the thread: ${outcome} (creator_lost_access)`, async () => {
    const thread = await world.setUp(lostAccess.email);
    await expectRevocationStopsDeliveries({
      ...thread,
      storedActive: world.storedActive,
      reason: 'creator_lost_access',
      // The server has no removal yet: the row goes as a removal would take it, with no notice to any server.
      revoke: async () => expect(await world.removeAccess(thread.threadId, thread.creator.user.id)).toBe(1),
    });
  });
}

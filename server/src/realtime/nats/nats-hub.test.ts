import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import Fastify from 'fastify';
import { natsUrl, uniqueOrg } from '../../../test/support/nats.ts';
import type { Subscriber } from '../hub.ts';
import { Outbound } from '../outbound.ts';
import { NatsBus } from './nats-bus.ts';
import { NatsHub, USER_FRAMES_PER_MESSAGE } from './nats-hub.ts';
import { parseNatsSettings } from './nats-settings.ts';

/** Fastify's no-op logger: these tests read behaviour, not logs. */
const log = Fastify({ logger: false }).log;

/** A subscriber that keeps what it gets. */
function recorder(senderId = 'user:watcher'): Subscriber & { got: Outbound[] } {
  const got: Outbound[] = [];
  return { senderId, got, deliver: (outbound) => got.push(outbound) };
}

async function eventually(check: () => boolean, label: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const typing = (threadId: string, senderId: string) =>
  new Outbound(threadId, { type: 'thread_typing', thread_id: threadId, data: { sender_id: senderId, status: 'started' } }, null, senderId);

/** Two hubs, as two server processes would have, on the run's real nats-server. */
describe.runIf(natsUrl)('NatsHub', () => {
  let buses: NatsBus[];
  let one: NatsHub;
  let two: NatsHub;
  const settings = () => parseNatsSettings({ NATS_URL: natsUrl!, NATS_ORG: org })!;
  const org = uniqueOrg();

  beforeAll(async () => {
    buses = await Promise.all([NatsBus.connect(settings(), log), NatsBus.connect(settings(), log)]);
    one = new NatsHub(buses[0]!, log);
    two = new NatsHub(buses[1]!, log);
    // As a process with a socket open would: the frames below are heard on both.
    await Promise.all([one.listen(), two.listen()]);
  });
  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
  });

  it('hands every subscriber on the other process the same received bytes, parsed for nobody, except the excluded sender', async () => {
    const [first, second, typist, local] = [recorder(), recorder(), recorder('user:typist'), recorder()];
    for (const subscriber of [first, second, typist]) two.subscribe('t1', subscriber);
    one.subscribe('t1', local);
    const sent = typing('t1', 'user:typist');
    one.publish(sent);
    expect(local.got).toEqual([sent]);
    await eventually(() => first.got.length === 1 && second.got.length === 1, 'the frame on the other process');
    const [a] = first.got;
    const [b] = second.got;
    // One outbound, one buffer for every local subscriber: encoded once on each side.
    expect(a).toBe(b);
    expect(a!.ws.equals(sent.ws)).toBe(true);
    await buses[0]!.flush();
    expect(typist.got).toEqual([]);
  });

  it("sends a user's frame to their subscribers everywhere but the excluded one", async () => {
    const [asking, otherTab, elsewhere] = [recorder('user:u1'), recorder('user:u1'), recorder('user:u1')];
    one.attachUser('u1', asking);
    one.attachUser('u1', otherTab);
    two.attachUser('u1', elsewhere);
    const frame = new Outbound('t2', { type: 'thread_read', thread_id: 't2', data: { read_seq: 3 } });
    one.publishToUser('u1', frame, asking);
    expect(asking.got).toEqual([]);
    expect(otherTab.got).toEqual([frame]);
    await eventually(() => elsewhere.got.length === 1, 'the echo on the other process');
    expect(JSON.parse(elsewhere.got[0]!.ws.toString())).toEqual({ type: 'thread_read', thread_id: 't2', data: { read_seq: 3 } });
  });

  it("sends a round's frames to their users on every process as one batch, in order with their other frames, decoded only for users with a connection there", async () => {
    const [here, there, alsoThere] = [recorder('user:b1'), recorder('user:b1'), recorder('user:b2')];
    one.attachUser('b1', here);
    two.attachUser('b1', there);
    two.attachUser('b2', alsoThere);
    const read = (userId: string, seq: number) =>
      new Outbound('tb', { type: 'thread_read', thread_id: 'tb', data: { read_seq: seq } }, null, `user:${userId}`);
    const frames = [
      // More than one batch message's worth, mostly for users with no connection anywhere.
      ...Array.from({ length: USER_FRAMES_PER_MESSAGE + 10 }, (_, index) => ({
        userId: `nobody${index}`,
        outbound: read(`nobody${index}`, index),
      })),
      { userId: 'b1', outbound: read('b1', 1) },
      { userId: 'b2', outbound: read('b2', 2) },
      { userId: 'b1', outbound: read('b1', 3) },
    ];
    const decode = vi.spyOn(Outbound, 'fromEncoded');
    try {
      one.publishToUsers(frames);
      // A single frame published after the batch: it comes after it.
      one.publishToUser('b1', read('b1', 4));
      expect(here.got.map((outbound) => outbound.frame)).toEqual([1, 3, 4].map((seq) => read('b1', seq).frame));
      await eventually(() => there.got.length === 3, "b1's frames on the other process");
      expect(there.got.map((outbound) => JSON.parse(outbound.ws.toString()).data.read_seq)).toEqual([1, 3, 4]);
      expect(alsoThere.got.map((outbound) => JSON.parse(outbound.ws.toString()).data.read_seq)).toEqual([2]);
      // Decoded on the other process for its two connected users' four frames, never for the others.
      expect(decode).toHaveBeenCalledTimes(4);
    } finally {
      decode.mockRestore();
    }
  });

  it("subscribes the user's connections on every process to a thread they gained", async () => {
    const socket = recorder('user:u2');
    two.attachUser('u2', socket);
    one.addUserToThread('u2', 't3');
    await eventually(() => two.isSubscribed('t3', socket), 'the subscription on the other process');
    one.publish(typing('t3', 'user:someone'));
    await eventually(() => socket.got.length === 1, 'a frame of the new thread');
  });

  it('does not decode a frame of a thread with no subscriber on this process (every process hears every frame)', async () => {
    const barrier = recorder();
    two.subscribe('t5', barrier);
    const decode = vi.spyOn(Outbound, 'fromEncoded');
    try {
      one.publish(typing('t6', 'user:x'));
      // A later frame from the same process, for a thread with a subscriber there: the first has arrived by then.
      one.publish(typing('t5', 'user:x'));
      await eventually(() => barrier.got.length === 1, 'the later frame');
      expect(decode.mock.calls.map(([threadId]) => threadId)).toEqual(['t5']);
    } finally {
      decode.mockRestore();
    }
  });

  it('hears no thread frame of the other processes while nothing listens, and every one published once listen() resolved', async () => {
    const bus = await NatsBus.connect(settings(), log);
    buses.push(bus);
    const three = new NatsHub(bus, log);
    const [socket, barrier] = [recorder(), recorder('user:u7')];
    three.subscribe('t7', socket);
    three.attachUser('u7', barrier);
    one.publish(typing('t7', 'user:x'));
    // A later frame from the same process on a subject every process hears: the first would have come before it.
    one.publishToUser('u7', new Outbound('t7', { type: 'thread_read', thread_id: 't7', data: { read_seq: 1 } }));
    await eventually(() => barrier.got.length === 1, 'the user frame');
    expect(socket.got).toEqual([]);

    const release = await three.listen();
    // Published at once, with no wait: the NATS server had the subscription when listen() resolved.
    one.publish(typing('t7', 'user:y'));
    await eventually(() => socket.got.length === 1, 'the frame published after listen()');
    expect(JSON.parse(socket.got[0]!.ws.toString()).data.sender_id).toBe('user:y');
    release();
  });

  it('keeps a frame whose thread id is no subject token on this process', async () => {
    const [here, there, barrier] = [recorder(), recorder(), recorder()];
    one.subscribe('bad.id', here);
    two.subscribe('bad.id', there);
    two.subscribe('t4', barrier);
    one.publish(typing('bad.id', 'user:x'));
    expect(here.got).toHaveLength(1);
    // A later frame from the same process: had the first one gone out, it would have come before.
    one.publish(typing('t4', 'user:x'));
    await eventually(() => barrier.got.length === 1, 'the later frame');
    expect(there.got).toEqual([]);
  });
});

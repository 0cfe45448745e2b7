import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { natsUrl, uniqueOrg } from '../../../test/support/nats.ts';
import type { Subscriber } from '../hub.ts';
import type { Outbound } from '../outbound.ts';
import { ClusterSignals } from './cluster-signals.ts';
import { NatsBus } from './nats-bus.ts';
import { NatsHub } from './nats-hub.ts';
import { parseNatsSettings } from './nats-settings.ts';

/** Fastify's no-op logger: these tests read behaviour, not logs. */
const log = Fastify({ logger: false }).log;

async function eventually(check: () => boolean, label: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Presence between two processes' signals on the run's real nats-server. */
describe.runIf(natsUrl)('ClusterSignals', () => {
  const buses: NatsBus[] = [];
  const signals: ClusterSignals[] = [];
  let hubs: NatsHub[];
  const got: Outbound[] = [];
  const watcher: Subscriber = { senderId: 'user:watcher', deliver: (outbound) => got.push(outbound) };
  const presence = () => got.flatMap((outbound) => (outbound.frame.type === 'thread_presence' ? [outbound.frame.data] : []));

  beforeAll(async () => {
    const settings = parseNatsSettings({ NATS_URL: natsUrl!, NATS_ORG: uniqueOrg() })!;
    buses.push(...(await Promise.all([0, 1, 2].map(() => NatsBus.connect(settings, log)))));
    hubs = buses.slice(0, 2).map((bus) => new NatsHub(bus, log));
    for (const [index, hub] of hubs.entries()) {
      const signal = new ClusterSignals(buses[index]!, hub, log);
      await signal.start();
      signals.push(signal);
    }
    hubs[1]!.subscribe('t', watcher);
  });
  afterAll(async () => {
    for (const signal of signals) signal.close();
    await Promise.all(buses.map((bus) => bus.close()));
  });

  it('mends a missed presence change from the process that owns it, and does not take a change out of sequence', async () => {
    const [one] = signals as [ClusterSignals];
    one.focus('t', 'user:a');
    await eventually(() => presence().length === 1, "a's focus");
    // A change numbered past a hole (as if some were lost): the other process asks for the
    // snapshot instead of applying it, and the snapshot has no such viewer.
    const spoofer = buses[2]!;
    spoofer.publish(spoofer.subjects.of('node', 'presence', buses[0]!.nodeId), JSON.stringify({ v: 7, s: 'user:ghost', t: 't', f: true }));
    await spoofer.flush();
    one.focus('t', 'user:b');
    await eventually(() => presence().length === 2, "b's focus");
    expect(presence()).toEqual([
      { sender_id: 'user:a', status: 'focused' },
      { sender_id: 'user:b', status: 'focused' },
    ]);
    expect(signals[1]!.focus('t', 'user:c').sort()).toEqual(['user:a', 'user:b']);
  });
});

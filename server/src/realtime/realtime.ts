import type { FastifyBaseLogger } from 'fastify';
import { LocalControl, type ControlChannel } from './control-channel.ts';
import { InProcessHub, type Hub } from './hub.ts';
import { LocalSignals, type LiveSignals } from './live-signals.ts';
import { ClusterSignals } from './nats/cluster-signals.ts';
import { NatsBus } from './nats/nats-bus.ts';
import { NatsControl } from './nats/nats-control.ts';
import { NatsHub } from './nats/nats-hub.ts';
import type { NatsSettings } from './nats/nats-settings.ts';

/** The live side of a server process: the hub for frames, the signals for typing and presence, control messages. */
export interface Realtime {
  hub: Hub;
  signals: LiveSignals;
  /** Control messages between processes (approval decisions, agent settings changes). */
  control: ControlChannel;
  /** Live frames from other processes may have been missed (NATS was away): subscribers should catch up. */
  onInterrupted(listener: () => void): void;
  /** Whether frames reach the other processes now (NATS connected; always true in one process). */
  connected(): boolean;
  close(): Promise<void>;
  /** Stops like a killed process would: no goodbye, nothing flushed (tests). */
  abandon(): Promise<void>;
}

/** In-process for one server process; over NATS (`NATS_URL`) for several. */
export async function openRealtime(nats: NatsSettings | null, log: FastifyBaseLogger): Promise<Realtime> {
  if (!nats) {
    const hub = new InProcessHub();
    const signals = new LocalSignals((outbound) => hub.publish(outbound));
    return {
      hub,
      signals,
      control: new LocalControl((error) => log.error({ err: error }, 'control message listener failed')),
      onInterrupted: () => undefined,
      connected: () => true,
      close: async () => signals.close(),
      abandon: async () => signals.close(),
    };
  }
  const bus = await NatsBus.connect(nats, log);
  const hub = new NatsHub(bus, log);
  const signals = new ClusterSignals(bus, hub, log);
  const control = new NatsControl(bus, log);
  await signals.start();
  return {
    hub,
    signals,
    control,
    onInterrupted: (listener) => bus.onReconnect(listener),
    connected: () => bus.connected,
    async close() {
      signals.close();
      await bus.close();
    },
    async abandon() {
      signals.abandon();
      await bus.abandon();
    },
  };
}

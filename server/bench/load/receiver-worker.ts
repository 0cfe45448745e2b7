/**
 * A receiver process of the fan-out benchmarks (forked by {@link ReceiverPool}): opens its
 * share of the user sockets, records each `thread_message` frame's latency from the
 * server's commit timestamp, and reports them when asked.
 */
import WebSocket from 'ws';
import { RECEIVER_ENV, type ReceiverCommand, type ReceiverMessage, type ReceiverSetup } from './receiver-pool.ts';

const { ports, offset, token, count } = JSON.parse(process.env[RECEIVER_ENV]!) as ReceiverSetup;
const send = (message: ReceiverMessage) => process.send!(message);
const sockets: WebSocket[] = [];
let latencies: number[] = [];

const opened = Array.from({ length: count }, (_, index) => {
  // Spread over the processes by the socket's index across all workers, so each gets its share.
  const port = ports[(offset + index) % ports.length]!;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/chat/ws/user/threads`, ['auth', token]);
  sockets.push(ws);
  return new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; data: { created_at?: string } };
      if (frame.type === 'ready') resolve();
      else if (frame.type === 'thread_message' && frame.data.created_at) {
        // Same machine, same clock: receipt time minus the server's commit timestamp.
        latencies.push(performance.timeOrigin + performance.now() - Date.parse(frame.data.created_at));
      }
    });
    ws.on('error', reject);
  });
});
void Promise.all(opened).then(() => send({ type: 'open' }));

process.on('message', (message: ReceiverCommand) => {
  if (message.type === 'report') {
    send({ type: 'report', latencies });
    latencies = [];
  } else {
    let left = sockets.length;
    for (const ws of sockets) {
      ws.once('close', () => {
        if (--left === 0) {
          send({ type: 'closed' });
          process.disconnect();
        }
      });
      ws.close();
    }
  }
});

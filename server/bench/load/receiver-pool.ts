import { fork, type ChildProcess } from 'node:child_process';

/** The environment variable that hands a receiver process its {@link ReceiverSetup}. */
export const RECEIVER_ENV = 'BENCH_RECEIVER';

/** What one receiver process is to open. */
export interface ReceiverSetup {
  ports: number[];
  /** Index of its first socket among all the pool's sockets (decides which port each socket gets). */
  offset: number;
  token: string;
  count: number;
}

export type ReceiverCommand = { type: 'report' } | { type: 'close' };
export type ReceiverMessage = { type: 'open' } | { type: 'report'; latencies: number[] } | { type: 'closed' };

export interface ReceiverPoolOptions {
  /** Server ports; socket `i` connects to `ports[i % ports.length]`. */
  ports: number[];
  /** A user's token: every socket is that user's inbox socket. */
  token: string;
  total: number;
  /**
   * The sockets live in this many child processes. In production each socket is another
   * browser; one event loop reading 1,000 sockets in turn would add its own queueing to
   * every receipt and measure the load generator instead of the server.
   */
  workers: number;
}

/** Fan-out receivers: user sockets held by child processes, each recording commit → receipt latencies. */
export class ReceiverPool {
  private constructor(private readonly workers: ChildProcess[]) {}

  /** Forks the workers and resolves once every socket has had its `ready` frame. */
  static async open({ ports, token, total, workers: count }: ReceiverPoolOptions): Promise<ReceiverPool> {
    let offset = 0;
    const workers = Array.from({ length: count }, (_, index) => {
      const share = Math.floor(total / count) + (index < total % count ? 1 : 0);
      const setup: ReceiverSetup = { ports, offset, token, count: share };
      offset += share;
      return fork(new URL('./receiver-worker.ts', import.meta.url).pathname, [], {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, [RECEIVER_ENV]: JSON.stringify(setup) },
      });
    });
    const pool = new ReceiverPool(workers);
    await pool.ask(null, 'open');
    return pool;
  }

  /** The receiver processes' ids (for CPU accounting). */
  get pids(): number[] {
    return this.workers.map((worker) => worker.pid!);
  }

  private ask(command: ReceiverCommand | null, expect: ReceiverMessage['type']): Promise<ReceiverMessage[]> {
    return Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<ReceiverMessage>((resolve, reject) => {
            const onMessage = (message: ReceiverMessage) => {
              if (message.type !== expect) return;
              worker.off('message', onMessage);
              resolve(message);
            };
            worker.on('message', onMessage);
            worker.once('error', reject);
            if (command) worker.send(command);
          }),
      ),
    );
  }

  /** The latencies (ms) recorded since the last call, from every worker, unsorted. */
  async latencies(): Promise<number[]> {
    const reports = await this.ask({ type: 'report' }, 'report');
    return reports.flatMap((report) => (report.type === 'report' ? report.latencies : []));
  }

  /** Closes every socket and lets the workers exit. */
  async close(): Promise<void> {
    await this.ask({ type: 'close' }, 'closed');
  }
}

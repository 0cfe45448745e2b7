import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker copies committed WAL pages into the database file. */
export const CHECKPOINT_INTERVAL_MS = 100;

/**
 * The worker's code (CommonJS, so it runs the same under tsx, vitest and a build): its own
 * connection, a PASSIVE checkpoint every interval (it never waits for the writer or readers),
 * and a clean close when asked.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints the WAL of a SQLite file from a worker thread. SQLite checkpoints on the
 * committing connection once the WAL holds 1,000 pages: reads, writes and two fsyncs on the
 * server's only thread, in the middle of a commit (about a tenth of the commit path's time
 * under load, and a pause of milliseconds for whichever fan-out waits behind it). With the
 * worker a step ahead, that in-line checkpoint finds nearly everything copied already; it
 * stays as the fallback, so the WAL still resets as before.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(path: string, onError: (message: string) => void, intervalMs = CHECKPOINT_INTERVAL_MS) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver, intervalMs } });
    // A server idle apart from this timer may still exit.
    this.worker.unref();
    this.worker.on('message', (message: { type: string; message: string }) => onError(message.message));
    this.worker.on('error', (error) => onError(error.message));
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  /** Stops the worker and closes its connection. */
  async stop(): Promise<void> {
    // Held while it closes: a process waiting for nothing else would otherwise end before the worker does.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}

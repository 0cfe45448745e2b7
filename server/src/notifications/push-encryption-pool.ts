import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type webPush from 'web-push';

/**
 * Threads that encrypt push payloads, at most. RFC 8291 costs about 0.2 ms of CPU a push (a new
 * ECDH key pair per message, as the RFC requires, HKDF, AES-GCM): on the server's one thread,
 * beside everything else, a busy thread's audience was more than it could push in time. One
 * core is left to that thread.
 */
export const PUSH_ENCRYPTION_MAX_THREADS = 4;

/**
 * Requests posted to a thread in one message at most: replies come back per message, so a
 * whole round's thousand requests in one would hold every push until the last was encrypted.
 */
export const PUSH_ENCRYPTION_BATCH = 32;

/**
 * The worker's code (CommonJS, so it runs the same under tsx, vitest and a build): `web-push`
 * builds each request of a batch (encryption and headers); the answers go back as one message,
 * each body as its own transferred buffer.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const webPush = require(workerData.webPush);
parentPort.on('message', ({ jobs }) => {
  const replies = [];
  const transfer = [];
  for (const { id, subscription, payload, options } of jobs) {
    try {
      const details = webPush.generateRequestDetails(subscription, payload, options);
      const body = new Uint8Array(details.body);
      replies.push({ id, headers: details.headers, body });
      transfer.push(body.buffer);
    } catch (error) {
      replies.push({ id, error: { name: String(error && error.name), message: String(error && error.message) } });
    }
  }
  parentPort.postMessage({ replies }, transfer);
});
`;

/** What a push request needs besides its URL: `web-push`'s headers and the encrypted body. */
export interface PushRequestDetails {
  headers: Record<string, string | number>;
  body: Buffer;
}

interface Pending {
  resolve: (details: PushRequestDetails) => void;
  reject: (error: Error) => void;
}

interface Reply {
  id: number;
  headers?: Record<string, string | number>;
  body?: Uint8Array;
  error?: { name: string; message: string };
}

interface Job {
  id: number;
  subscription: webPush.PushSubscription;
  payload: string;
  options: webPush.RequestOptions;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Requests of this turn of the event loop, posted together on the next (see {@link PushEncryptionPool.build}). */
  outbox: Job[];
}

/**
 * Builds push requests (`web-push`'s `generateRequestDetails`: RFC 8291 encryption and the
 * headers) on worker threads, so the server's thread goes on reading, screening and sending
 * meanwhile. Requests go round the threads in turn; a thread that dies fails its requests in
 * flight (their deliveries are tried again) and is started anew on the next request. Nothing
 * is logged here: the subscription's keys and endpoint are credentials.
 */
export class PushEncryptionPool {
  private readonly threads: (Thread | undefined)[];
  private readonly webPushPath = createRequire(import.meta.url).resolve('web-push');
  private next = 0;
  private lastId = 0;
  private stopped = false;

  constructor(size = Math.min(PUSH_ENCRYPTION_MAX_THREADS, Math.max(1, availableParallelism() - 1))) {
    this.threads = Array.from({ length: size }, () => undefined);
  }

  /** `web-push`'s request details for one subscription, built on a worker thread. */
  build(subscription: webPush.PushSubscription, payload: string, options: webPush.RequestOptions): Promise<PushRequestDetails> {
    if (this.stopped) return Promise.reject(new Error('push encryption stopped'));
    const index = this.next;
    this.next = (this.next + 1) % this.threads.length;
    const thread = (this.threads[index] ??= this.startThread(index));
    const id = ++this.lastId;
    return new Promise<PushRequestDetails>((resolve, reject) => {
      // Held while requests are in flight, so a process awaiting one does not end; idle, it lets the process end.
      if (thread.pending.size === 0) thread.worker.ref();
      thread.pending.set(id, { resolve, reject });
      // A busy thread's readers are pushed to at the same moment: one message each way per batch,
      // not per push (a message's dispatch on the server's thread was a few per cent of a push's CPU).
      if (thread.outbox.length === 0) setImmediate(() => this.post(thread));
      thread.outbox.push({ id, subscription, payload, options });
      if (thread.outbox.length >= PUSH_ENCRYPTION_BATCH) this.post(thread);
    });
  }

  /** Ends the threads; requests in flight fail (their deliveries stay queued). */
  async stop(): Promise<void> {
    this.stopped = true;
    const threads = this.threads.splice(0).filter((thread): thread is Thread => thread !== undefined);
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  private post(thread: Thread): void {
    const jobs = thread.outbox.splice(0);
    // Ended meanwhile: its requests were failed with it.
    if (jobs.length > 0 && this.threads.includes(thread)) thread.worker.postMessage({ jobs });
  }

  private startThread(index: number): Thread {
    // No tsx or profiler flags of the server's: the worker's code is plain CommonJS.
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { webPush: this.webPushPath } });
    worker.unref();
    const thread: Thread = { worker, pending: new Map(), outbox: [] };
    worker.on('message', ({ replies }: { replies: Reply[] }) => {
      for (const reply of replies) {
        const pending = thread.pending.get(reply.id);
        if (!pending) continue;
        thread.pending.delete(reply.id);
        if (reply.error) pending.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
        else
          pending.resolve({
            headers: reply.headers!,
            body: Buffer.from(reply.body!.buffer, reply.body!.byteOffset, reply.body!.byteLength),
          });
      }
      if (thread.pending.size === 0) worker.unref();
    });
    const fail = (error: Error) => {
      if (this.threads[index] === thread) this.threads[index] = undefined;
      for (const pending of thread.pending.values()) pending.reject(error);
      thread.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(Object.assign(new Error('push encryption thread ended'), { code: 'ETHREADEXIT' })));
    return thread;
  }
}

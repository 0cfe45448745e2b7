import type { LockRequester } from '../tabs/web-locks-leadership.ts';

interface Request {
  name: string;
  callback: (lock: Lock | null) => Promise<void> | undefined;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const abortError = (message: string) => new DOMException(message, 'AbortError');

/**
 * `navigator.locks` for one lock name space shared by fake tabs, exclusive mode only, with
 * the Web Locks rules that leadership relies on: requests are granted in order; a queued
 * request whose signal aborts rejects with an AbortError; `steal` releases the holder (whose
 * request rejects with an AbortError) and is granted at once, ahead of the queue.
 */
export class FakeLockManager {
  private readonly held = new Map<string, Request>();
  private readonly queue: Request[] = [];

  /** A tab's view (`navigator.locks`). */
  requester(): LockRequester {
    return { request: (name, options, callback) => this.request(name, options, callback) };
  }

  /** Whether some tab holds `name`. */
  isHeld(name: string): boolean {
    return this.held.has(name);
  }

  private request(name: string, options: LockOptions, callback: Request['callback']): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (options.steal && options.signal) {
        reject(new DOMException('steal and signal cannot be combined', 'NotSupportedError'));
        return;
      }
      const request: Request = { name, callback, resolve, reject };
      if (options.steal) {
        const holder = this.held.get(name);
        this.held.delete(name);
        holder?.reject(abortError('The lock was stolen.'));
        this.grant(request);
        return;
      }
      if (options.signal?.aborted) {
        reject(abortError('Aborted.'));
        return;
      }
      options.signal?.addEventListener('abort', () => {
        const index = this.queue.indexOf(request);
        if (index < 0) return;
        this.queue.splice(index, 1);
        reject(abortError('Aborted.'));
      });
      this.queue.push(request);
      this.next(name);
    });
  }

  private next(name: string): void {
    if (this.held.has(name)) return;
    const index = this.queue.findIndex((request) => request.name === name);
    if (index < 0) return;
    const [request] = this.queue.splice(index, 1);
    this.grant(request!);
  }

  private grant(request: Request): void {
    this.held.set(request.name, request);
    queueMicrotask(() => {
      let result: Promise<void> | undefined;
      try {
        result = request.callback({ name: request.name, mode: 'exclusive' } as Lock);
      } catch (error) {
        result = Promise.reject(error);
      }
      void Promise.resolve(result).then(
        (value) => this.finish(request, () => request.resolve(value)),
        (error: unknown) => this.finish(request, () => request.reject(error)),
      );
    });
  }

  private finish(request: Request, settle: () => void): void {
    // A stolen request was settled (rejected) when it was stolen.
    if (this.held.get(request.name) !== request) return;
    this.held.delete(request.name);
    settle();
    this.next(request.name);
  }
}

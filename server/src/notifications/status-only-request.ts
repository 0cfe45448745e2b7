import type { Dispatcher } from 'undici';

/** What one request needs: its origin and path, raw headers (names and values in turn) and a body. */
export interface StatusOnlyRequest {
  origin: string;
  path: string;
  headers: string[];
  body: Buffer;
}

/**
 * The handler of one request whose answer is only its status: the body's chunks are dropped as
 * they come (the connection then serves the next request). `Dispatcher.request()` builds a
 * Readable body, an abort signal's listeners and several promises per request; a push needs none
 * of them (undici was the biggest part of the server's CPU per push, issue 18's profile).
 */
class StatusOnlyHandler implements Dispatcher.DispatchHandlers {
  private status = 0;

  constructor(
    private readonly resolve: (status: number) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  onConnect(): void {}

  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(): boolean {
    return true;
  }

  onComplete(): void {
    this.resolve(this.status);
  }

  onError(error: Error): void {
    // A failure once the status came (the rest of the body lost) is still the service's answer.
    if (this.status !== 0) this.resolve(this.status);
    else this.reject(error);
  }
}

/** POSTs the request on `dispatcher` and resolves with the answer's status once its body ended. */
export function postForStatus(dispatcher: Dispatcher, request: StatusOnlyRequest): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    dispatcher.dispatch(
      { origin: request.origin, path: request.path, method: 'POST', headers: request.headers, body: request.body },
      new StatusOnlyHandler(resolve, reject),
    );
  });
}

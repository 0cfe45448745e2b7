/**
 * Test support: a `fetch` that answers from a handler instead of the network, and keeps
 * what each request looked like on the wire (method, URL, headers, JSON body).
 */

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** The parsed JSON body, or undefined when none was sent. */
  body: unknown;
  signal: AbortSignal | null;
}

export type FakeHandler = (request: RecordedRequest) => Response | Promise<Response>;

export interface FakeFetch {
  fetch: typeof fetch;
  requests: RecordedRequest[];
}

/** A fake `fetch` over `handler`. Relative URLs resolve against `http://fake.test`. */
export function fakeFetch(handler: FakeHandler): FakeFetch {
  const requests: RecordedRequest[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const request: RecordedRequest = {
      method: init.method ?? 'GET',
      url: new URL(String(input), 'http://fake.test'),
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      signal: init.signal ?? null,
    };
    requests.push(request);
    return handler(request);
  };
  return { fetch: fetchImpl as typeof fetch, requests };
}

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** The contract's error body (CONTRACT §2). */
export function contractError(
  status: number,
  code: string,
  message: string,
  retryable = false,
  headers: Record<string, string> = {},
): Response {
  return json({ error: { code, message, retryable } }, status, headers);
}

/** A response whose body never finishes arriving. */
export function stalledBody(status = 200): Response {
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: new Headers(),
    text: () => new Promise<string>(() => {}),
  } as unknown as Response;
}

/** A promise that never settles: a request the network swallowed. */
export const never = <T>(): Promise<T> => new Promise<T>(() => {});

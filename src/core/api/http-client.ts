/**
 * A small typed JSON client over `fetch` that turns every failure into an {@link ApiError}
 * (CONTRACT §2): the caller never sees a TypeError, a DOMException or a raw Response.
 */
import * as v from 'valibot';
import type { ErrorCode } from '../protocol/model.ts';
import { lenient } from '../protocol/rest-shape.ts';
import { errorBody } from '../protocol/rest-shapes.ts';
import { ApiError } from './api-error.ts';

/** Where the REST API lives under a server's origin (CONTRACT: "All REST paths are under /api/v1"). */
const API_PREFIX = '/api/v1';

/**
 * How long one request (headers and body) may take before it fails with `timeout`. Long
 * enough for a slow mobile network, short enough that a hung proxy does not freeze a retry loop.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type QueryValue = string | number | boolean | null | undefined;

interface RequestOptions<T> {
  /** Sent as JSON. */
  body?: unknown;
  /** Appended as a query string; null and undefined values are left out. */
  query?: Record<string, QueryValue>;
  /** The caller's cancellation: rejects with `aborted`. */
  signal?: AbortSignal;
  /** Validates the 2xx JSON body; a throw becomes `invalid_response`. Without it the JSON is returned unchecked. */
  parse?: (json: unknown) => T;
  /** Send the bearer token (default true); sign-in sends none. */
  auth?: boolean;
  /**
   * Turns a failure into a value instead of a rejection, e.g. "this server has no such
   * endpoint". `contractBody` tells whether the server answered with the contract's error
   * body (so the route exists and meant it) or with something else (a framework 404 page).
   */
  recover?: (error: ApiError, contractBody: boolean) => { value: T } | undefined;
}

export interface HttpClient {
  /** One JSON request; resolves with the parsed body (undefined for 204), rejects with ApiError only. */
  request<T = unknown>(method: HttpMethod, path: string, options?: RequestOptions<T>): Promise<T>;
}

export interface HttpClientOptions {
  /** Prefix of every path, e.g. `http://localhost:8787/api/v1`, or `/api/v1` for the page's own origin. */
  baseUrl: string;
  /** The bearer token, read on every request so a new sign-in takes effect at once. */
  getToken?: () => string | null;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** `serverUrl` + {@link API_PREFIX}, without a doubled slash; `''` means the page's own origin. */
export function apiBaseUrl(serverUrl: string): string {
  return `${serverUrl.replace(/\/+$/, '')}${API_PREFIX}`;
}

/** A `parse` function from a valibot schema. */
export function parseWith<S extends v.GenericSchema>(schema: S): (json: unknown) => v.InferOutput<S> {
  return (json) => v.parse(schema, json);
}

const errorBodySchema = lenient(errorBody);

/** The code and retryability a status implies when the server sent no usable error body. */
function codeForStatus(status: number): { code: ErrorCode; retryable: boolean } {
  switch (status) {
    case 401:
      return { code: 'unauthorized', retryable: false };
    case 403:
      return { code: 'forbidden', retryable: false };
    case 404:
      return { code: 'not_found', retryable: false };
    case 409:
      return { code: 'conflict', retryable: false };
    case 429:
      return { code: 'rate_limited', retryable: true };
  }
  // 502/504 come from a gateway in front of a server that is down or restarting.
  if (status === 502 || status === 503 || status === 504) return { code: 'unavailable', retryable: true };
  if (status >= 500) return { code: 'server_error', retryable: true };
  return { code: 'client_error', retryable: false };
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date names its weekday and month; without letters, Date.parse would read "-3" as a year.
  if (!/[a-z]/i.test(text)) return null;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Rejects when `signal` aborts, even if the wrapped promise (a fetch that ignores signals) never settles. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('aborted'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function describeIssuePath(error: unknown): string {
  if (!(error instanceof v.ValiError)) return '';
  const path = (error.issues[0] as v.BaseIssue<unknown> | undefined)?.path?.map((item) => String(item.key)).join('.');
  return path ? ` (at ${path})` : '';
}

/**
 * The ApiError of a non-2xx answer: the contract's error body when there is one (`contractBody`),
 * else the code its status implies. Also used by uploads, which go through XHR for their progress.
 */
export function errorOfResponse(
  what: string,
  status: number,
  json: unknown,
  retryAfter: string | null,
): { error: ApiError; contractBody: boolean } {
  const retryAfterMs = parseRetryAfter(retryAfter);
  const errorBody = json === undefined ? null : v.safeParse(errorBodySchema, json);
  if (errorBody?.success) {
    const { code, message, retryable } = errorBody.output.error;
    return { error: new ApiError(code, message, retryable ?? codeForStatus(status).retryable, status, retryAfterMs), contractBody: true };
  }
  const { code, retryable } = codeForStatus(status);
  return { error: new ApiError(code, `${what} failed with HTTP ${status}.`, retryable, status, retryAfterMs), contractBody: false };
}

/** Creates the client. Error messages name the method and path, never the token, query or body. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // Called through a wrapper: browsers reject `fetch` invoked with another `this`.
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function request<T>(method: HttpMethod, path: string, request: RequestOptions<T> = {}): Promise<T> {
    const what = `${method} ${path}`;
    const callerSignal = request.signal;
    if (callerSignal?.aborted) throw new ApiError('aborted', `${what} was cancelled.`, false);
    let body: string | undefined;
    try {
      body = request.body === undefined ? undefined : JSON.stringify(request.body);
    } catch {
      throw new ApiError('client_error', `${what}: the request body cannot be sent as JSON.`, false);
    }

    const controller = new AbortController();
    let timedOut = false;
    const forwardAbort = () => controller.abort();
    callerSignal?.addEventListener('abort', forwardAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);

    const headers: Record<string, string> = { accept: 'application/json' };
    const token = request.auth === false ? null : (options.getToken?.() ?? null);
    if (token) headers.authorization = `Bearer ${token}`;
    const init: RequestInit = { method, headers, signal: controller.signal };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = body;
    }

    let response: Response;
    let text: string;
    try {
      response = await untilAborted(fetchImpl(`${options.baseUrl}${path}${buildQuery(request.query)}`, init), controller.signal);
      text = await untilAborted(response.text(), controller.signal);
    } catch {
      // The cause's own message is dropped: it may quote the URL.
      if (callerSignal?.aborted) throw new ApiError('aborted', `${what} was cancelled.`, false);
      if (timedOut) throw new ApiError('timeout', `${what} took longer than ${timeoutMs / 1000} s.`, true);
      throw new ApiError('network_error', `Could not reach the server (${what}).`, true);
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', forwardAbort);
    }

    let json: unknown = undefined;
    let jsonOk = true;
    if (text !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        jsonOk = false;
      }
    }

    if (!response.ok) {
      const { error, contractBody } = errorOfResponse(
        what,
        response.status,
        jsonOk ? json : undefined,
        response.headers.get('retry-after'),
      );
      const recovered = request.recover?.(error, contractBody);
      if (recovered) return recovered.value;
      throw error;
    }

    if (response.status === 204) return undefined as T;
    // A 2xx that is not what we asked for is most often a proxy or captive portal page.
    if (!jsonOk) throw new ApiError('invalid_response', `${what} answered with something that is not JSON.`, true, response.status);
    if (!request.parse) return json as T;
    try {
      return request.parse(json);
    } catch (error) {
      throw new ApiError(
        'invalid_response',
        `${what} answered with an unexpected shape${describeIssuePath(error)}.`,
        true,
        response.status,
      );
    }
  }

  return { request };
}

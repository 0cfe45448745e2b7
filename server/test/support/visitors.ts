import { createHmac, randomUUID } from 'node:crypto';
import { api, type ApiResponse, type TestServer } from './test-server.ts';
import { TestSocket, publicSocketUrl } from './test-socket.ts';

/** What a resolve call answers (CONTRACT §7). */
export interface Resolved {
  thread_id: string;
  resumed: boolean;
  sender_id: string;
  visitor_token: string;
  verified: boolean;
  email: string | null;
}

export interface ResolveBody {
  email?: string;
  name?: string | null;
  fresh?: boolean;
  identity_token?: string;
  /** [ext] The widget's language (CONTRACT §12: follow-up emails are written in it). */
  language?: string;
}

/** A fresh visitor email, so that every test gets its own conversation. */
export const newEmail = (name = 'visitor') => `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@customer.example`;

/** `POST /chat/public/{slug}/threads`, with the visitor token as Bearer and a page origin when given. */
export function resolve(
  server: TestServer,
  body: ResolveBody,
  options: { slug?: string; token?: string; origin?: string } = {},
): Promise<ApiResponse<Resolved & { error: { code: string; message: string } }>> {
  return api(server, 'POST', `/chat/public/${options.slug ?? 'demo'}/threads`, {
    body,
    ...(options.token ? { token: options.token } : {}),
    ...(options.origin ? { headers: { origin: options.origin } } : {}),
  });
}

/** Starts a conversation as a new visitor; fails the test when the server refuses. */
export async function startVisitor(server: TestServer, body: ResolveBody = {}, slug = 'demo'): Promise<Resolved & { email: string }> {
  const email = body.email ?? newEmail();
  const response = await resolve(server, { ...body, email }, { slug });
  if (response.status !== 201) throw new Error(`resolve failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { ...response.body, email };
}

/** The public socket of a thread with the visitor token in `Sec-WebSocket-Protocol: visitor, <token>`. */
export function openVisitorSocket(
  server: TestServer,
  thread: { threadId: string; email: string; token?: string | null; slug?: string },
  options: { origin?: string } = {},
): TestSocket {
  return TestSocket.open(publicSocketUrl(server.wsUrl, thread.slug ?? 'demo', thread.threadId, thread.email), {
    ...(thread.token ? { protocols: ['visitor', thread.token] } : {}),
    ...options,
  });
}

/** A public thread call (`events` or `messages`) with the visitor token as Bearer. */
export function publicCall(
  server: TestServer,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { token?: string; body?: unknown; origin?: string; slug?: string } = {},
): Promise<ApiResponse> {
  return api(server, method, `/chat/public/${options.slug ?? 'demo'}/threads/${path}`, {
    ...(options.token ? { token: options.token } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.origin ? { headers: { origin: options.origin } } : {}),
  });
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * Signs an identity token the way a website's backend would, with `node:crypto` only (an
 * implementation independent of the server's): HMAC-SHA256 over `header.payload`, keyed
 * with the identity secret's text. `alg` other than HS256 still signs with HMAC-SHA256,
 * and `none` leaves the signature empty, to test refusals.
 */
export function signIdentityToken(secret: string, claims: Record<string, unknown>, alg = 'HS256'): string {
  const header = base64url(JSON.stringify({ alg, typ: 'JWT' }));
  const payload = base64url(JSON.stringify(claims));
  const signature = alg === 'none' ? '' : base64url(createHmac('sha256', secret).update(`${header}.${payload}`).digest());
  return `${header}.${payload}.${signature}`;
}

/** Claims of a valid identity token for `sub`, expiring in an hour. */
export function identityClaims(slug: string, sub: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { aud: slug, sub, iat: now, exp: now + 3600, ...extra };
}

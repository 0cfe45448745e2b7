import type { FastifyRequest } from 'fastify';
import { decodeAsciiEscapes } from './percent-decoding.ts';

/** Every REST path is under this prefix (CONTRACT: "All REST paths below are under /api/v1"). */
export const API_PREFIX = '/api/v1';
/** The visitor endpoints, open to any origin (CONTRACT §1, §7). */
export const PUBLIC_PREFIX = `${API_PREFIX}/chat/public/`;

/** Which part of the server a request reaches: the visitor API, the signed-in API, or neither (pages, `/healthz`). */
export type ApiArea = 'public' | 'credentialed' | 'outside';

/**
 * A request path as loosely as any router could read it: query cut off, ASCII percent
 * escapes decoded (`%2F` too), dot segments resolved, duplicate slashes and a trailing one
 * collapsed, lower case. Used only for requests no route matched, where judging too many
 * paths as API paths costs nothing (a 403 instead of a 404).
 */
export function loosePath(url: string): string {
  const path = url.split(/[?#]/, 1)[0]!;
  const decoded = decodeAsciiEscapes(path);
  const resolved = URL.parse(decoded.replace(/\/{2,}/g, '/'), 'http://localhost')?.pathname ?? decoded;
  return resolved
    .replace(/\/{2,}/g, '/')
    .replace(/(.)\/$/, '$1')
    .toLowerCase();
}

function areaOf(path: string): ApiArea {
  if (path.startsWith(PUBLIC_PREFIX)) return 'public';
  return path === API_PREFIX || path.startsWith(`${API_PREFIX}/`) ? 'credentialed' : 'outside';
}

/**
 * The area of a request, judged on what the router matched: the route's own pattern (so
 * `/%61pi/v1/me`, which the router decodes to `/api/v1/me`, is judged like it). Requests no
 * route matched (404s, CORS preflights) are judged on {@link loosePath}.
 */
export function apiArea(request: FastifyRequest): ApiArea {
  const pattern = request.routeOptions.url;
  if (pattern !== undefined && !pattern.includes('*')) return areaOf(pattern);
  return areaOf(loosePath(request.url));
}

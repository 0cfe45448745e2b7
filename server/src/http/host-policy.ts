import { isIPv6 } from 'node:net';

/** Accepted `Host` names when `ALLOWED_HOSTS` is not set (CONTRACT §10): the loopback names. */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];
/** A host name or IPv4 address: letters, digits, dots, hyphens (and `_`, which some LAN names carry). */
const HOST_NAME = /^[a-z0-9_](?:[a-z0-9_.-]{0,251}[a-z0-9_])?$/;
/** Longest host name echoed back in a 421 answer. */
const ECHO_LIMIT = 100;

/** Why an `ALLOWED_HOSTS` entry is not usable, or null when it is. */
function entryProblem(entry: string): string | null {
  if (entry === '*') return null;
  if (entry.startsWith('[') && entry.endsWith(']') && isIPv6(entry.slice(1, -1))) return null;
  if (HOST_NAME.test(entry)) return null;
  return `ALLOWED_HOSTS has "${entry}", which is not a host name. List names without scheme or port, separated by commas (e.g. "localhost,chat.example.com,192.168.1.20,[::1]"), or "*" to accept any.`;
}

/**
 * Parses `ALLOWED_HOSTS` (comma-separated, case-insensitive). A bare IPv6 address gets its
 * brackets, as it appears in a `Host` header. Throws an Error with a clear message.
 */
export function parseAllowedHosts(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [...DEFAULT_ALLOWED_HOSTS];
  const entries = raw
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean)
    .map((item) => (isIPv6(item) ? `[${item}]` : item.replace(/\.$/, '')));
  if (entries.length === 0) throw new Error('ALLOWED_HOSTS lists no host name; leave it unset for the loopback names, or use "*".');
  for (const entry of entries) {
    const problem = entryProblem(entry);
    if (problem) throw new Error(problem);
  }
  return [...new Set(entries)];
}

/** The host name of a `Host` header without its port, lower case: `[::1]:8787` → `[::1]`. */
export function hostNameOf(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end === -1 ? value : value.slice(0, end + 1);
  }
  const colon = value.indexOf(':');
  // A trailing dot names the same host ("localhost." is "localhost").
  return (colon === -1 ? value : value.slice(0, colon)).replace(/\.$/, '');
}

/**
 * Which `Host` headers the server answers (CONTRACT §10). A page on attacker.example whose
 * name is rebound to 127.0.0.1 reaches the server with `Host: attacker.example`; refusing
 * names that are not listed (HTTP 421) keeps such a page from reading the inbox or its API.
 */
export class HostPolicy {
  private readonly hosts: ReadonlySet<string>;
  private readonly any: boolean;

  constructor(allowedHosts: readonly string[]) {
    this.hosts = new Set(allowedHosts);
    this.any = this.hosts.has('*');
  }

  allows(header: string | undefined): boolean {
    if (this.any) return true;
    return header !== undefined && this.hosts.has(hostNameOf(header));
  }

  /** The sentence a refused request gets. */
  refusal(header: string | undefined): string {
    const name = header ? hostNameOf(header).slice(0, ECHO_LIMIT) : '';
    return name
      ? `This server does not answer to the host name "${name}". To reach it by that name, add it to ALLOWED_HOSTS.`
      : 'A Host header is required.';
  }
}

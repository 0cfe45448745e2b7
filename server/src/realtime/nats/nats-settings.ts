import { isSubjectToken } from './subjects.ts';

/** How this process reaches NATS; parsed from `NATS_URL` and `NATS_ORG`. */
export interface NatsSettings {
  /** Server URLs without credentials: safe to log. */
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
  /** The `<org>` token of every subject (`events.<org>.chat.…`): deployments sharing one NATS stay apart. */
  org: string;
}

const DEFAULT_ORG = 'local';
const SCHEMES = new Set(['nats:', 'tls:']);

/**
 * `NATS_ORG`: the `<org>` token of every subject, which topic subscribers see too (CONTRACT
 * §15), so it exists with or without NATS; `local` by default.
 */
export function parseOrg(env: NodeJS.ProcessEnv): string {
  const org = env.NATS_ORG?.trim() || DEFAULT_ORG;
  if (!isSubjectToken(org)) {
    throw new Error(`NATS_ORG must be letters, digits, "_" or "-" (one subject token), got "${org}".`);
  }
  return org;
}

/**
 * Reads `NATS_URL` (one URL or a comma-separated list; `nats://user:pass@host:4222` or
 * `nats://token@host:4222` carry credentials) and `NATS_ORG`. Null when `NATS_URL` is unset.
 * Errors never repeat the URL: it may hold a password.
 */
export function parseNatsSettings(env: NodeJS.ProcessEnv): NatsSettings | null {
  const raw = env.NATS_URL?.trim();
  const org = parseOrg(env);
  if (!raw) return null;
  const settings: NatsSettings = { servers: [], org };
  for (const [index, entry] of raw.split(',').entries()) {
    const url = URL.parse(entry.trim());
    const which = raw.includes(',') ? `NATS_URL entry ${index + 1}` : 'NATS_URL';
    if (!url || !SCHEMES.has(url.protocol) || !url.hostname) {
      throw new Error(`${which} is not a NATS server URL such as nats://127.0.0.1:4222.`);
    }
    if (url.pathname && url.pathname !== '/') throw new Error(`${which} has a path; a NATS URL is nats://host:port.`);
    if (url.username) {
      const name = decodeURIComponent(url.username);
      if (url.password) {
        settings.user = name;
        settings.pass = decodeURIComponent(url.password);
      } else {
        settings.token = name;
      }
    }
    settings.servers.push(`${url.protocol}//${url.host}`);
  }
  return settings;
}

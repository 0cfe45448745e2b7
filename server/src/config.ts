import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { parseTrustProxy, type TrustProxy } from './http/client-address.ts';
import { parseAllowedHosts } from './http/host-policy.ts';
import type { LoginLimits } from './http/login-throttle.ts';
import { parseNatsSettings, parseOrg, type NatsSettings } from './realtime/nats/nats-settings.ts';
import { parseChannelSettings, type ChannelSettings } from './notifications/channel-settings.ts';
import { parseNotificationConfig, type NotificationConfig } from './notifications/notification-config.ts';
import { parseDatabaseUrl } from './storage/database-url.ts';
import { parseAttachmentConfig, type AttachmentConfig } from './attachments/attachment-config.ts';
import { wholeSetting } from './whole-setting.ts';
import { makePrivateDir, readOrCreatePrivateFile } from './storage/private-files.ts';
import { resolveDataKey } from './storage/secrets/data-key.ts';

/** Every setting of the local server, with the defaults of CONTRACT §10. */
export interface ServerConfig {
  port: number;
  /** Interface to listen on; loopback by default, so only this machine can connect. */
  host: string;
  /** `Host` header names answered (any port); `*` for any. Others get 421 (CONTRACT §10). */
  allowedHosts: string[];
  /** The SQLite file (the default storage); without JWT_SECRET, the JWT secret is kept beside it. */
  databasePath: string;
  /** A `postgres://` URL: PostgreSQL instead of the SQLite file (several processes share it). Holds a password: never print it as is. */
  databaseUrl: string | null;
  /**
   * Seed an empty database with the demo users, agent and thread, and print their sign-in.
   * On by default for a local run; off by default when `DATABASE_URL` names a deployment.
   */
  demoData: boolean;
  /** How often open user sockets and SSE streams re-check that their account is still enabled, and SSE streams that their agent token is not revoked. */
  accountRecheckMs: number;
  jwtSecret: string;
  /**
   * Seals identity and webhook secrets in the database (AES-256-GCM): `DATA_ENCRYPTION_KEY`,
   * `DATA_ENCRYPTION_KEY_FILE`, or (SQLite only) generated once beside the file. Never print it.
   */
  dataKey: Buffer;
  /** Extra origins allowed for the signed-in app, besides the server's own. */
  allowedOrigins: string[];
  demoAgentChunkMs: number;
  /** Interval of the server's WebSocket ping frames and the client's app-level ping. */
  heartbeatMs: number;
  /** The public socket is closed after this long without a client frame. */
  publicIdleTimeoutMs: number;
  /** A visitor token unused this many days is refused (401; the widget starts over). */
  visitorTokenIdleDays: number;
  approvalTtlMs: number;
  /** Interval of the `: keep-alive` comment on SSE streams (CONTRACT §5: 15 s). */
  sseKeepAliveMs: number;
  /** An SSE reader this far behind (bytes the server holds for it) is closed; it reconnects and catches up. */
  sseMaxBufferedBytes: number;
  /** First retry delay of a failed webhook delivery; doubles on every try. */
  webhookRetryBaseMs: number;
  /** How long a process's hold on a subscription's deliveries lasts unrenewed; another process takes over after it (a process that died). */
  webhookLeaseMs: number;
  /**
   * How long a process counts as alive after its last heartbeat (it renews every third of it).
   * The unfinished agent runs of a process whose lease ran out are failed by the others.
   */
  /** How often one process erases visitor threads past their agent's retention (CONTRACT §14). */
  retentionSweepMs: number;
  processLeaseMs: number;
  /** Let webhooks reach loopback and private addresses (development, tests); CONTRACT §8. */
  webhookAllowPrivateNetworks: boolean;
  /**
   * `TRUST_PROXY`: which proxies' `X-Forwarded-For` tells the client address (for every
   * per-address limit and the logs); null, the default, takes the TCP peer's.
   */
  trustProxy: TrustProxy;
  /** Per client address and minute, on the public endpoints (CONTRACT §7). */
  rateLimits: { threadCreates: number; messages: number; socketConnects: number };
  /** `POST /auth/login`: attempts per address and minute; failed attempts per account and 15 minutes. */
  loginLimits: LoginLimits;
  /** Directory of the built client (`vite build`); served at `/` when present. */
  staticDir: string;
  logLevel: string;
  /** `NATS_URL`: fan-out through NATS to every server process; null = in-process only (one process). */
  nats: NatsSettings | null;
  /** `NATS_ORG` (default `local`): the `<org>` of topics (CONTRACT §15), with or without NATS. */
  org: string;
  /** Web push and email (CONTRACT §12): VAPID, `SMTP_URL`, `MAIL_FROM`, `PUBLIC_URL`. */
  notifyChannels: ChannelSettings;
  /** Notifications (CONTRACT §12): email delay override, retries, leases, a fixed clock for tests. */
  notifications: NotificationConfig;
  /** Attachments (CONTRACT §13): where files go, the users' size limit, the unused uploads' sweep, the visitors' rate. */
  attachments: AttachmentConfig;
}

const DEFAULTS = {
  port: 8787,
  host: '127.0.0.1',
  databasePath: './data/ama2.sqlite',
  demoAgentChunkMs: 30,
  heartbeatMs: 25_000,
  publicIdleTimeoutMs: 10 * 60_000,
  visitorTokenIdleDays: 90,
  approvalTtlMs: 60_000,
  sseKeepAliveMs: 15_000,
  /** As much as a socket may fall behind (`MAX_BUFFERED_BYTES` of socket-connection.ts). */
  sseMaxBufferedBytes: 4 * 1024 * 1024,
  webhookRetryBaseMs: 1_000,
  webhookLeaseMs: 30_000,
  processLeaseMs: 15_000,
  retentionSweepMs: 60 * 60_000,
  accountRecheckMs: 15_000,
  rateLimits: { threadCreates: 10, messages: 30, socketConnects: 30 },
  loginLimits: { perAddressPerMinute: 60, failuresPerAccountAndAddress: 10, failuresPerAccountPerHour: 100 },
} as const;

export class ConfigError extends Error {}

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  return configured(() => wholeSetting(env, name, fallback, min, max));
}

/** Runs a parser whose errors are configuration errors. */
function configured<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

function boolSetting(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be "true" or "false", got "${env[name]}".`);
}

function originList(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      try {
        return new URL(item).origin;
      } catch {
        throw new ConfigError(`ALLOWED_ORIGINS has "${item}", which is not an origin such as https://app.example.com.`);
      }
    });
}

/**
 * The JWT secret is generated once and kept beside the database (owner-only), so tokens
 * survive a restart without anyone having to configure a secret for a local run.
 */
function loadOrCreateSecret(databasePath: string): string {
  if (databasePath === ':memory:') return randomBytes(32).toString('base64url');
  const file = `${databasePath}.jwt-secret`;
  makePrivateDir(dirname(file));
  return readOrCreatePrivateFile(file, () => randomBytes(32).toString('base64url'));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const databasePath = env.DATABASE_PATH === ':memory:' ? ':memory:' : resolve(env.DATABASE_PATH || DEFAULTS.databasePath);
  const jwtSecret = env.JWT_SECRET || loadOrCreateSecret(databasePath);
  if (jwtSecret.length < 16) throw new ConfigError('JWT_SECRET must be at least 16 characters.');
  const databaseUrl = configured(() => parseDatabaseUrl(env.DATABASE_URL));
  return {
    port: intSetting(env, 'PORT', DEFAULTS.port, 0, 65535),
    host: env.HOST || DEFAULTS.host,
    allowedHosts: configured(() => parseAllowedHosts(env.ALLOWED_HOSTS)),
    databasePath,
    databaseUrl,
    // A networked database is a deployment, not a demo.
    demoData: boolSetting(env, 'DEMO_DATA', !env.DATABASE_URL),
    accountRecheckMs: intSetting(env, 'ACCOUNT_RECHECK_MS', DEFAULTS.accountRecheckMs, 100, 3_600_000),
    jwtSecret,
    dataKey: configured(() => resolveDataKey(env, databasePath, databaseUrl !== null)),
    allowedOrigins: originList(env.ALLOWED_ORIGINS),
    demoAgentChunkMs: intSetting(env, 'DEMO_AGENT_CHUNK_MS', DEFAULTS.demoAgentChunkMs, 0, 10_000),
    heartbeatMs: intSetting(env, 'HEARTBEAT_MS', DEFAULTS.heartbeatMs, 1_000, 600_000),
    publicIdleTimeoutMs: intSetting(env, 'PUBLIC_IDLE_TIMEOUT_MS', DEFAULTS.publicIdleTimeoutMs, 1_000, 86_400_000),
    visitorTokenIdleDays: intSetting(env, 'VISITOR_TOKEN_IDLE_DAYS', DEFAULTS.visitorTokenIdleDays, 1, 36_500),
    approvalTtlMs: intSetting(env, 'APPROVAL_TTL_MS', DEFAULTS.approvalTtlMs, 100, 86_400_000),
    sseKeepAliveMs: intSetting(env, 'SSE_KEEPALIVE_MS', DEFAULTS.sseKeepAliveMs, 100, 600_000),
    sseMaxBufferedBytes: intSetting(env, 'SSE_MAX_BUFFERED_BYTES', DEFAULTS.sseMaxBufferedBytes, 16 * 1024, 1024 * 1024 * 1024),
    webhookRetryBaseMs: intSetting(env, 'WEBHOOK_RETRY_BASE_MS', DEFAULTS.webhookRetryBaseMs, 1, 600_000),
    webhookLeaseMs: intSetting(env, 'WEBHOOK_LEASE_MS', DEFAULTS.webhookLeaseMs, 300, 3_600_000),
    processLeaseMs: intSetting(env, 'PROCESS_LEASE_MS', DEFAULTS.processLeaseMs, 300, 3_600_000),
    retentionSweepMs: intSetting(env, 'RETENTION_SWEEP_MS', DEFAULTS.retentionSweepMs, 50, 86_400_000),
    webhookAllowPrivateNetworks: boolSetting(env, 'WEBHOOK_ALLOW_PRIVATE_NETWORKS', false),
    trustProxy: configured(() => parseTrustProxy(env.TRUST_PROXY)),
    rateLimits: {
      threadCreates: intSetting(env, 'RATE_LIMIT_THREADS_PER_MIN', DEFAULTS.rateLimits.threadCreates, 1, 1_000_000),
      messages: intSetting(env, 'RATE_LIMIT_MESSAGES_PER_MIN', DEFAULTS.rateLimits.messages, 1, 1_000_000),
      socketConnects: intSetting(env, 'RATE_LIMIT_SOCKETS_PER_MIN', DEFAULTS.rateLimits.socketConnects, 1, 1_000_000),
    },
    loginLimits: {
      perAddressPerMinute: intSetting(env, 'RATE_LIMIT_LOGINS_PER_MIN', DEFAULTS.loginLimits.perAddressPerMinute, 1, 1_000_000),
      failuresPerAccountAndAddress: intSetting(
        env,
        'RATE_LIMIT_LOGIN_FAILURES_PER_15_MIN',
        DEFAULTS.loginLimits.failuresPerAccountAndAddress,
        1,
        1_000_000,
      ),
      failuresPerAccountPerHour: intSetting(
        env,
        'RATE_LIMIT_LOGIN_FAILURES_PER_HOUR',
        DEFAULTS.loginLimits.failuresPerAccountPerHour,
        1,
        1_000_000,
      ),
    },
    staticDir: resolve(env.STATIC_DIR || 'dist'),
    logLevel: env.LOG_LEVEL || 'info',
    nats: configured(() => parseNatsSettings(env)),
    org: configured(() => parseOrg(env)),
    notifyChannels: configured(() => parseChannelSettings(env, databasePath)),
    notifications: configured(() => parseNotificationConfig(env)),
    attachments: configured(() => parseAttachmentConfig(env, databasePath)),
  };
}

import postgres from 'postgres';
import { PostgresAttachments } from './attachments.ts';
import { PostgresPrivacy } from './privacy.ts';
import type { PrivacyStore } from '../stores/privacy-store.ts';
import { PostgresAttachmentBytes } from './attachment-bytes.ts';
import type { AttachmentStore } from '../stores/attachment-store.ts';
import type { AttachmentBytes } from '../../attachments/attachment-bytes.ts';
import { PostgresAgentSettings } from './agent-settings.ts';
import { PostgresAgents } from './agents.ts';
import { PostgresApprovals } from './approvals.ts';
import { PostgresNotes } from './notes.ts';
import { PostgresRuns } from './runs.ts';
import { PostgresOwnership } from './ownership.ts';
import { migrate } from './schema.ts';
import { sealSecrets } from './sealed-secrets.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { PostgresThreadLog } from './thread-log.ts';
import { PostgresSearch } from './search.ts';
import { PostgresThreads } from './threads.ts';
import { PostgresUsers } from './users.ts';
import { PostgresVisitors } from './visitors.ts';
import { PostgresCounters } from './counters.ts';
import { PostgresWebhooks } from './webhooks.ts';
import { WriteLanes, type ConnectionOptions } from './write-lanes.ts';
import { withDeadline, type StorageDeadlines } from '../storage-unavailable.ts';
import type { Storage } from '../storage.ts';
import type { AgentSettingsStore } from '../stores/agent-settings-store.ts';
import type { AgentStore } from '../stores/agent-store.ts';
import type { ApprovalStore } from '../stores/approval-store.ts';
import type { CounterStore } from '../stores/counter-store.ts';
import type { LogStore } from '../stores/log-store.ts';
import type { OwnershipStore } from '../stores/ownership-store.ts';
import type { NoteStore } from '../stores/note-store.ts';
import type { RunStore } from '../stores/run-store.ts';
import type { SearchStore } from '../stores/search-store.ts';
import type { ThreadStore } from '../stores/thread-store.ts';
import type { UserStore } from '../stores/user-store.ts';
import type { VisitorStore } from '../stores/visitor-store.ts';
import { PostgresNotifications } from './notifications.ts';
import type { NotificationStore } from '../stores/notification-store.ts';
import type { WebhookStore } from '../stores/webhook-store.ts';
import type { PushStore } from '../stores/push-store.ts';
import type { ActionTokenStore } from '../stores/action-token-store.ts';
import type { FollowUpStore } from '../stores/follow-up-store.ts';
import type { ResumeTokenStore } from '../stores/resume-token-store.ts';
import type { EmailOptOutStore } from '../stores/email-opt-out-store.ts';
import { PostgresPush } from './push.ts';
import { PostgresActionTokens } from './action-tokens.ts';
import { PostgresFollowUps } from './follow-ups.ts';
import { PostgresResumeTokens } from './resume-tokens.ts';
import { PostgresEmailOptOuts } from './email-opt-outs.ts';

export interface PostgresStorageOptions {
  /** Seals the identity and webhook secrets (required: every process sharing the database must have the same one). */
  dataKey: Buffer;
  /** Connections of the pool for reads and transactions. */
  poolSize?: number;
  /** Connections that commit appends to the log in groups (see {@link WriteLanes}). */
  writeLanes?: number;
}

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_WRITE_LANES = 4;
/** Seconds an idle pooled connection stays open. */
const IDLE_TIMEOUT_S = 60;
/** Seconds a new connection may take (a database that drops packets must not hold a request for long). */
const CONNECT_TIMEOUT_S = 2;
/**
 * How long storage calls wait for a database that answers nothing before the request gets a
 * retryable 503 (see {@link withDeadline}): well inside a client's own deadline (the
 * inbox's outbox waits 5 s). A busy database that keeps answering is given up to the cap;
 * the appends of the write lanes wait for each other by design and get no deadline here (a
 * refused or timed-out connection fails them at once; `statement_timeout` bounds them).
 */
export const STORAGE_DEADLINES: StorageDeadlines = {
  calls: { stallMs: 3_000, capMs: 15_000 },
  exempt: new Set(['log.commitMessage', 'log.appendEvent']),
};
/** PostgreSQL's own limit on a statement (`statement_timeout`): no work goes on that nobody waits for. */
const STATEMENT_TIMEOUT_MS = 10_000;
/** First wait before reconnecting after a failed connection; doubles per failure, up to the cap. */
const RECONNECT_BACKOFF_BASE_S = 0.05;
/**
 * The longest wait between connection attempts. postgres.js's default grows to 20 s, shared by
 * the whole pool, and a query handed to a connection waits for it: with this cap every process
 * is back within about half a second of the database's return.
 */
const RECONNECT_BACKOFF_MAX_S = 0.5;

/** Seconds before the next connection attempt after `retries` failures in a row. */
export function reconnectBackoff(retries: number): number {
  return Math.min(RECONNECT_BACKOFF_BASE_S * 2 ** Math.max(0, retries - 1), RECONNECT_BACKOFF_MAX_S);
}
/**
 * A transaction of this server left idle this long (its process frozen or half dead between
 * two statements) is ended by PostgreSQL, which releases its locks. The send path holds no
 * transaction across a round trip (see {@link WriteLanes}); this bounds what the others can do.
 */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 2_000;
/**
 * A statement waits at most this long for a lock (a thread's row, held by a transaction of
 * a stalled process) before it fails; the request then gets a retryable `503 unavailable`.
 */
export const LOCK_TIMEOUT_MS = 2_000;

/** Connection options without session settings: the migrator's (it may wait long, for locks and big changes). */
function baseConnectionOptions(): ConnectionOptions {
  return {
    idle_timeout: IDLE_TIMEOUT_S,
    connect_timeout: CONNECT_TIMEOUT_S,
    backoff: reconnectBackoff,
    // NOTICEs (e.g. "relation already exists, skipping") are not for the server's log.
    onnotice: () => {},
  };
}

/** The settings of every connection the server opens to serve (pool, lanes and waiting connections). */
export function serverConnectionOptions(): ConnectionOptions {
  return {
    ...baseConnectionOptions(),
    // Session settings, sent when each connection starts.
    connection: {
      statement_timeout: STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
      lock_timeout: LOCK_TIMEOUT_MS,
    },
  };
}

/**
 * The storage of a deployment that runs several server processes: one PostgreSQL database
 * that all of them share. Open it with {@link PostgresStorage.open} (connects and migrates).
 * Like {@link SqliteStorage}, this class connects and makes one store per aggregate (one
 * file each in this folder), which callers use directly.
 *
 * The driver is `postgres` (porsager/postgres.js) rather than `pg`: it has no dependencies,
 * ships its own types, prepares statements by default and pipelines the queries of a
 * transaction, which is what the log's grouped write lanes rely on for throughput: a
 * group of appends costs about one round trip and one WAL flush, not one per append.
 */
export class PostgresStorage implements Storage {
  readonly users: UserStore;
  readonly agents: AgentStore;
  readonly agentSettings: AgentSettingsStore;
  readonly threads: ThreadStore;
  readonly log: LogStore;
  readonly visitors: VisitorStore;
  readonly webhooks: WebhookStore;
  readonly notifications: NotificationStore;
  readonly counters: CounterStore;
  readonly approvals: ApprovalStore;
  readonly runs: RunStore;
  readonly ownership: OwnershipStore;
  readonly notes: NoteStore;
  readonly search: SearchStore;
  readonly push: PushStore;
  readonly actionTokens: ActionTokenStore;
  readonly followUps: FollowUpStore;
  readonly resumeTokens: ResumeTokenStore;
  readonly emailOptOuts: EmailOptOutStore;
  readonly attachments: AttachmentStore;
  readonly privacy: PrivacyStore;
  readonly attachmentBytes: AttachmentBytes;

  private constructor(
    private readonly sql: postgres.Sql,
    private readonly lanes: WriteLanes,
    secrets: SecretBox,
  ) {
    const threads = new PostgresThreads(sql);
    this.users = new PostgresUsers(sql);
    this.agents = new PostgresAgents(sql, secrets);
    this.agentSettings = new PostgresAgentSettings(sql, secrets);
    this.threads = threads;
    this.log = new PostgresThreadLog(sql, lanes);
    this.visitors = new PostgresVisitors(sql, threads);
    this.webhooks = new PostgresWebhooks(sql, secrets);
    this.notifications = new PostgresNotifications(sql);
    this.counters = new PostgresCounters(sql);
    this.approvals = new PostgresApprovals(sql);
    this.runs = new PostgresRuns(sql);
    this.ownership = new PostgresOwnership(sql);
    this.notes = new PostgresNotes(sql);
    this.search = new PostgresSearch(sql);
    this.push = new PostgresPush(sql, secrets);
    this.actionTokens = new PostgresActionTokens(sql);
    this.followUps = new PostgresFollowUps(sql);
    this.resumeTokens = new PostgresResumeTokens(sql);
    this.emailOptOuts = new PostgresEmailOptOuts(sql);
    this.attachments = new PostgresAttachments(sql);
    this.privacy = new PostgresPrivacy(sql);
    this.attachmentBytes = new PostgresAttachmentBytes(sql);
  }

  /**
   * Connects to `url`, brings its schema up to date (once, even when several processes start
   * together) and checks `options.dataKey` against the database's (sealing its secrets on the
   * first start with sealing).
   */
  static async open(url: string, options: PostgresStorageOptions): Promise<PostgresStorage> {
    const secrets = new SecretBox(options.dataKey);
    // Migrations may take long (an index on a big table) and wait for another process's: no statement timeout.
    const migrator = postgres(url, { ...baseConnectionOptions(), max: 1 });
    try {
      await migrate(migrator);
      await sealSecrets(migrator, secrets);
    } finally {
      await migrator.end({ timeout: 0 });
    }
    const connection = serverConnectionOptions();
    const sql = postgres(url, { ...connection, max: options.poolSize ?? DEFAULT_POOL_SIZE });
    const storage = new PostgresStorage(sql, new WriteLanes(url, options.writeLanes ?? DEFAULT_WRITE_LANES, connection), secrets);
    return withDeadline(storage, STORAGE_DEADLINES);
  }

  async ping() {
    await this.sql`SELECT 1`;
  }

  /** Lets the statements in flight finish (queued appends are committed), then closes every connection. */
  async close() {
    await this.lanes.close();
    await this.sql.end();
  }
}

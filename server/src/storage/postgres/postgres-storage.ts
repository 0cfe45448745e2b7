import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import type { ParticipationMode, SenderId } from '../../../../src/core/protocol/model.ts';
import { PostgresAgentSettings } from './agent-settings.ts';
import { PostgresAgents } from './agents.ts';
import { PostgresApprovals } from './approvals.ts';
import { PostgresRuns } from './runs.ts';
import { now } from './rows.ts';
import { migrate } from './schema.ts';
import { sealSecrets } from './sealed-secrets.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { appendEvent, commitMessage, listEvents } from './thread-log.ts';
import { PostgresThreads } from './threads.ts';
import { PostgresUsers } from './users.ts';
import { PostgresVisitors } from './visitors.ts';
import { PostgresCounters } from './counters.ts';
import { PostgresWebhooks } from './webhooks.ts';
import { WriteLanes, type ConnectionOptions } from './write-lanes.ts';
import { withDeadline, type StorageDeadlines } from '../storage-unavailable.ts';
import type {
  AgentSettingsInput,
  CommitResult,
  IdentifiedVisitorInput,
  NewAgent,
  NewAgentToken,
  NewApproval,
  NewRun,
  RunEnd,
  NewEvent,
  NewMessage,
  NewThread,
  NewUser,
  NewVisitor,
  NewWebhook,
  ResumeVisitorInput,
  Storage,
  ThreadCursor,
} from '../storage.ts';

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
  exempt: new Set(['commitMessage', 'appendEvent']),
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
 * Like {@link SqliteStorage}, this class only routes each call to the module of its
 * aggregate (one file each in this folder).
 *
 * The driver is `postgres` (porsager/postgres.js) rather than `pg`: it has no dependencies,
 * ships its own types, prepares statements by default and pipelines the queries of a
 * transaction, which is what the log's grouped write lanes rely on for throughput: a
 * group of appends costs about one round trip and one WAL flush, not one per append.
 */
export class PostgresStorage implements Storage {
  private readonly users: PostgresUsers;
  private readonly agents: PostgresAgents;
  private readonly agentSettings: PostgresAgentSettings;
  private readonly threads: PostgresThreads;
  private readonly visitors: PostgresVisitors;
  private readonly webhooks: PostgresWebhooks;
  private readonly counters: PostgresCounters;
  private readonly approvals: PostgresApprovals;
  private readonly runs: PostgresRuns;

  private constructor(
    private readonly sql: postgres.Sql,
    private readonly lanes: WriteLanes,
    secrets: SecretBox,
  ) {
    this.users = new PostgresUsers(sql);
    this.agents = new PostgresAgents(sql, secrets);
    this.agentSettings = new PostgresAgentSettings(sql, secrets);
    this.threads = new PostgresThreads(sql);
    this.visitors = new PostgresVisitors(sql, this.threads);
    this.webhooks = new PostgresWebhooks(sql, secrets);
    this.counters = new PostgresCounters(sql);
    this.approvals = new PostgresApprovals(sql);
    this.runs = new PostgresRuns(sql);
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

  // ---- users and agents ----------------------------------------------------------------

  async getUser(id: string) {
    return this.users.get(id);
  }

  async getUserByEmail(email: string) {
    return this.users.byEmail(email);
  }

  async getUsers(ids: readonly string[]) {
    return this.users.many(ids);
  }

  async listUsers() {
    return this.users.list();
  }

  async createUser(input: NewUser) {
    return this.users.create(input);
  }

  /** Turns an account off (it can no longer sign in) or back on; false when there is no such user. */
  async setUserDisabled(userId: string, disabled: boolean): Promise<boolean> {
    return this.users.setDisabled(userId, disabled);
  }

  /** Replaces a user's password hash; false when there is no such user. */
  async setUserPassword(userId: string, passwordHash: string): Promise<boolean> {
    return this.users.setPassword(userId, passwordHash);
  }

  async getAgent(id: string) {
    return this.agents.get(id);
  }

  async getAgentBySlug(slug: string) {
    return this.agents.bySlug(slug);
  }

  async getAgents(ids: readonly string[]) {
    return this.agents.many(ids);
  }

  async listAgents() {
    return this.agents.list();
  }

  async createAgent(input: NewAgent, ownerUserIds: readonly string[]) {
    return this.agents.create(input, ownerUserIds);
  }

  async listAgentOwners(agentId: string) {
    return this.agents.owners(agentId);
  }

  async updateAgentSettings(agentId: string, settings: AgentSettingsInput) {
    return this.agentSettings.updateSettings(agentId, settings);
  }

  async setIdentitySecret(agentId: string, secret: string) {
    return this.agentSettings.setIdentitySecret(agentId, secret);
  }

  async addAgentToken(input: NewAgentToken) {
    return this.agentSettings.addToken(input);
  }

  async getAgentToken(tokenHash: string) {
    return this.agentSettings.getToken(tokenHash);
  }

  async listAgentTokens(agentId: string) {
    return this.agentSettings.listTokens(agentId);
  }

  async revokeAgentToken(agentId: string, tokenId: string) {
    return this.agentSettings.revokeToken(agentId, tokenId);
  }

  async touchAgentToken(tokenId: string, usedAt: string) {
    await this.agentSettings.touchToken(tokenId, usedAt);
  }

  async liveAgentTokenIds(tokenIds: readonly string[]) {
    return this.agentSettings.liveTokenIds(tokenIds);
  }

  // ---- threads -------------------------------------------------------------------------

  async createThread(input: NewThread) {
    return this.threads.create(input, randomUUID(), now());
  }

  async getThread(id: string) {
    return this.threads.loadThread(id);
  }

  async listThreadAudience(threadId: string) {
    return this.threads.audience(threadId);
  }

  async listUserThreadIds(userId: string) {
    return this.threads.userThreadIds(userId);
  }

  async listUserThreads(userId: string, page: { limit: number; cursor: ThreadCursor | null }) {
    return this.threads.userThreads(userId, page);
  }

  async hasAccess(threadId: string, userId: string) {
    return this.threads.hasAccess(threadId, userId);
  }

  async getReadState(threadId: string, userId: string) {
    return this.threads.readState(threadId, userId);
  }

  async markRead(threadId: string, userId: string, seq: number) {
    return this.threads.markRead(threadId, userId, seq);
  }

  async setMode(threadId: string, mode: ParticipationMode, senderId: SenderId) {
    return this.threads.setMode(threadId, mode, senderId);
  }

  // ---- the log -------------------------------------------------------------------------

  async commitMessage(input: NewMessage): Promise<CommitResult> {
    return commitMessage((write) => this.lanes.run(write), this.sql, input, now());
  }

  async appendEvent(threadId: string, input: NewEvent) {
    return appendEvent((write) => this.lanes.run(write), threadId, input, now());
  }

  async listEvents(threadId: string, afterSeq: number, limit: number) {
    return listEvents(this.sql, threadId, afterSeq, limit);
  }

  // ---- visitors ------------------------------------------------------------------------

  async createVisitor(input: NewVisitor) {
    return this.visitors.create(input);
  }

  async resolveIdentifiedVisitor(input: IdentifiedVisitorInput) {
    return this.visitors.resolveIdentified(input);
  }

  async resumeVisitor(input: ResumeVisitorInput) {
    return this.visitors.resume(input);
  }

  async getVisitorByToken(agentId: string, tokenHash: string) {
    return this.visitors.byToken(agentId, tokenHash);
  }

  async touchVisitorToken(tokenHash: string, usedAt: string) {
    await this.visitors.touchToken(tokenHash, usedAt);
  }

  async revokeVisitorToken(agentId: string, tokenHash: string) {
    return this.visitors.revokeToken(agentId, tokenHash);
  }

  async getVisitorByIdentity(agentId: string, sub: string) {
    return this.visitors.byIdentity(agentId, sub);
  }

  async getVisitorOfThread(threadId: string) {
    return this.visitors.ofThread(threadId);
  }

  // ---- webhooks ------------------------------------------------------------------------

  async createWebhook(input: NewWebhook) {
    return this.webhooks.create(input);
  }

  async getWebhook(id: string) {
    return this.webhooks.get(id);
  }

  async deleteWebhook(threadId: string, id: string) {
    return this.webhooks.delete(threadId, id);
  }

  async listActiveWebhooks(threadId: string) {
    return this.webhooks.listActive(threadId);
  }

  async listWebhooks(threadId: string) {
    return this.webhooks.list(threadId);
  }

  async deactivateWebhook(id: string) {
    await this.webhooks.deactivate(id);
  }

  async claimWebhook(id: string, owner: string, leaseMs: number) {
    return this.webhooks.claim(id, owner, leaseMs);
  }

  async renewWebhookLease(id: string, owner: string, leaseMs: number) {
    return this.webhooks.renew(id, owner, leaseMs);
  }

  async advanceWebhookCursor(id: string, owner: string, seq: number, leaseMs: number) {
    return this.webhooks.advance(id, owner, seq, leaseMs);
  }

  async releaseWebhook(id: string, owner: string) {
    await this.webhooks.release(id, owner);
  }

  async listDueWebhooks(limit: number) {
    return this.webhooks.due(limit);
  }

  // ---- rate-limit counters ---------------------------------------------------------------

  async hitCounter(key: string, now: number, windowMs: number) {
    return this.counters.hit(key, now, windowMs);
  }

  async refundCounter(key: string, now: number) {
    await this.counters.refund(key, now);
  }

  async pruneCounters(now: number) {
    await this.counters.prune(now);
  }

  // ---- approvals -----------------------------------------------------------------------

  async createApproval(input: NewApproval, event: NewEvent) {
    return this.approvals.create(input, event);
  }

  async getApproval(id: string) {
    return this.approvals.get(id);
  }

  async settleApproval(id: string, outcome: { status: 'approved' | 'rejected' | 'expired'; decidedBy: SenderId | null }, event: NewEvent) {
    return this.approvals.settle(id, outcome, event);
  }

  async listPendingApprovals() {
    return this.approvals.listPending();
  }

  // ---- runs and process leases ---------------------------------------------------------

  async renewProcessLease(processId: string, leaseMs: number) {
    return this.runs.renewLease(processId, leaseMs);
  }

  async releaseProcessLease(processId: string) {
    return this.runs.releaseLease(processId);
  }

  async startRun(run: NewRun) {
    return this.runs.start(run);
  }

  async endRun(runId: string, end: RunEnd) {
    return this.runs.end(runId, end);
  }

  async listOrphanedRuns(limit: number) {
    return this.runs.orphans(limit);
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

import Database from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import type { ParticipationMode, SenderId } from '../../../../src/core/protocol/model.ts';
import { SqliteAgentSettings } from './agent-settings.ts';
import { SqliteAgents } from './agents.ts';
import { SqliteApprovals } from './approvals.ts';
import { SqliteRuns } from './runs.ts';
import { Checkpointer } from './checkpointer.ts';
import { GroupedWriter } from './grouped-writer.ts';
import { now } from './rows.ts';
import { migrate } from './schema.ts';
import { SENDER_REFUSED, SqliteThreadLog } from './thread-log.ts';
import { SqliteThreads } from './threads.ts';
import { SqliteUsers } from './users.ts';
import { SqliteVisitors } from './visitors.ts';
import { SqliteCounters } from './counters.ts';
import { SqliteWebhooks } from './webhooks.ts';
import { sealSecrets } from './sealed-secrets.ts';
import { makePrivateDir, restrictToOwner, withPrivateUmask } from '../private-files.ts';
import { loadOrCreateDataKeyFile } from '../secrets/data-key.ts';
import { DATA_KEY_BYTES, SecretBox } from '../secrets/secret-box.ts';
import {
  SenderRefused,
  type AgentSettingsInput,
  type CommitResult,
  type IdentifiedVisitorInput,
  type NewAgent,
  type NewAgentToken,
  type NewApproval,
  type NewRun,
  type RunEnd,
  type NewEvent,
  type NewMessage,
  type NewThread,
  type NewUser,
  type NewVisitor,
  type NewWebhook,
  type ResumeVisitorInput,
  type Storage,
  type ThreadCursor,
} from '../storage.ts';

/**
 * WAL pages after which the committing connection checkpoints itself (SQLite's default is
 * 1,000). The {@link Checkpointer} normally keeps the WAL copied well before that; under a
 * sustained write load it cannot catch up completely between two commits, and then this
 * bounds the WAL (about 40 MB) and resets it.
 */
const INLINE_CHECKPOINT_PAGES = 10_000;

/**
 * Bytes the WAL is cut back to when it starts over (after a checkpoint copied it all): with
 * 0, the frames of the previous round (deleted rows' old pages among them) do not linger
 * at the end of the file.
 */
const WAL_SIZE_LIMIT_BYTES = 0;

/**
 * The embedded default storage: one SQLite file in WAL mode, every write one transaction.
 * This class only opens the file and routes each call to the module of its aggregate
 * (users, agents, threads, the log, visitors, webhooks, approvals: one file each here).
 *
 * Commits on the hot path (messages, events) go through the {@link GroupedWriter}: the
 * writes queued during one event-loop turn share one transaction. Seqs stay dense: every
 * write takes the next seq in queue order.
 */
export class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  private readonly writer: GroupedWriter;
  private readonly users: SqliteUsers;
  private readonly agents: SqliteAgents;
  private readonly agentSettings: SqliteAgentSettings;
  private readonly log: SqliteThreadLog;
  private readonly threads: SqliteThreads;
  private readonly visitors: SqliteVisitors;
  private readonly webhooks: SqliteWebhooks;
  private readonly counters: SqliteCounters;
  private readonly approvals: SqliteApprovals;
  private readonly runs: SqliteRuns;
  /** Off the server's thread: copies the WAL into the file (none for an in-memory database). */
  private readonly checkpointer: Checkpointer | null;

  /**
   * Opens (or creates) the file at `path`, owner-only. `dataKey` seals the identity and
   * webhook secrets; without it, the key kept beside the file (`<path>.data-key`) is used,
   * generated on first use.
   */
  constructor(path: string, dataKey?: Buffer) {
    const inFile = path !== ':memory:';
    if (inFile) makePrivateDir(dirname(path));
    // The file, its -wal and its -shm (which SQLite creates with the file's mode) are the owner's alone.
    this.db = withPrivateUmask(() => {
      const db = new Database(path);
      db.pragma('journal_mode = WAL');
      return db;
    });
    if (inFile) for (const file of [path, `${path}-wal`, `${path}-shm`]) restrictToOwner(file);
    // Deleted content (a webhook's secret, a rotated identity secret) is overwritten with zeros, not left in free space.
    this.db.pragma('secure_delete = ON');
    this.db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    // NORMAL is durable across process crashes in WAL mode; only a power cut can lose the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    const secrets = new SecretBox(dataKey ?? (inFile ? loadOrCreateDataKeyFile(path) : randomBytes(DATA_KEY_BYTES)));
    if (sealSecrets(this.db, secrets) && inFile) this.scrubFreeSpace();
    this.writer = new GroupedWriter(this.db);
    this.users = new SqliteUsers(this.db);
    this.agents = new SqliteAgents(this.db, secrets);
    this.agentSettings = new SqliteAgentSettings(this.db, secrets);
    this.log = new SqliteThreadLog(this.db);
    this.threads = new SqliteThreads(this.db, this.log, (threadId) => this.visitors.ofThread(threadId));
    this.visitors = new SqliteVisitors(this.db, this.threads);
    this.webhooks = new SqliteWebhooks(this.db, secrets);
    this.counters = new SqliteCounters(this.db);
    this.approvals = new SqliteApprovals(this.db, this.log);
    this.runs = new SqliteRuns(this.db, this.log);
    // A failed checkpoint loses nothing (the WAL keeps the pages; the in-line one takes over): a warning is enough.
    this.checkpointer =
      path === ':memory:' ? null : new Checkpointer(path, (message) => console.warn(`SQLite checkpoint failed: ${message}`));
    // The in-line checkpoint is the fallback now: it runs only when the WAL has grown this far.
    if (this.checkpointer) this.db.pragma(`wal_autocheckpoint = ${INLINE_CHECKPOINT_PAGES}`);
  }

  /**
   * Once, after the secrets were first sealed: rewrites the file without its free pages
   * (where earlier versions left deleted secrets in plain text) and empties the WAL. Another
   * process holding the file open may make it wait or fail: then it stays for a later VACUUM.
   */
  private scrubFreeSpace(): void {
    try {
      this.db.exec('VACUUM');
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (error) {
      console.warn(`SQLite VACUUM after sealing the secrets failed (${(error as Error).message}); run VACUUM later to clear free pages.`);
    }
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

  async setUserDisabled(userId: string, disabled: boolean) {
    return this.users.setDisabled(userId, disabled);
  }

  async setUserPassword(userId: string, passwordHash: string) {
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
    this.agentSettings.touchToken(tokenId, usedAt);
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
    // A refused sender comes back as a value: throwing inside the group would make it run again.
    const result = await this.writer.run(() => this.log.commitMessage(input, now()));
    if (result === SENDER_REFUSED) throw new SenderRefused(input.threadId);
    return result;
  }

  async appendEvent(threadId: string, input: NewEvent) {
    return this.writer.run(() => this.log.insertEvent(threadId, input, now()));
  }

  async listEvents(threadId: string, afterSeq: number, limit: number) {
    return this.log.list(threadId, afterSeq, limit);
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
    this.visitors.touchToken(tokenHash, usedAt);
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
    this.webhooks.deactivate(id);
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
    this.webhooks.release(id, owner);
  }

  async listDueWebhooks(limit: number) {
    return this.webhooks.due(limit);
  }

  // ---- rate-limit counters ---------------------------------------------------------------

  async hitCounter(key: string, now: number, windowMs: number) {
    return this.counters.hit(key, now, windowMs);
  }

  async refundCounter(key: string, now: number) {
    this.counters.refund(key, now);
  }

  async pruneCounters(now: number) {
    this.counters.prune(now);
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
    this.db.prepare('SELECT 1').get();
  }

  async close() {
    await this.checkpointer?.stop();
    // Writes still queued are committed before the file closes.
    this.writer.flush();
    if (this.db.open) this.db.close();
  }
}

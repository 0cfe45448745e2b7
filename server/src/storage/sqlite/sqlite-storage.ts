import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { SqliteAgentSettings } from './agent-settings.ts';
import { SqliteAgents } from './agents.ts';
import { SqliteApprovals } from './approvals.ts';
import { SqliteNotes } from './notes.ts';
import { SqliteRuns } from './runs.ts';
import { SqliteOwnership } from './ownership.ts';
import { Checkpointer } from './checkpointer.ts';
import { GroupedWriter } from './grouped-writer.ts';
import { migrate } from './schema.ts';
import { SqliteThreadLog } from './thread-log.ts';
import { SqliteSearch } from './search.ts';
import { SqliteThreads } from './threads.ts';
import { SqliteUsers } from './users.ts';
import { SqliteVisitors } from './visitors.ts';
import { SqliteCounters } from './counters.ts';
import { SqliteWebhooks } from './webhooks.ts';
import { sealSecrets } from './sealed-secrets.ts';
import { makePrivateDir, restrictToOwner, withPrivateUmask } from '../private-files.ts';
import { loadOrCreateDataKeyFile } from '../secrets/data-key.ts';
import { DATA_KEY_BYTES, SecretBox } from '../secrets/secret-box.ts';
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
import { SqliteNotifications } from './notifications.ts';
import type { NotificationStore } from '../stores/notification-store.ts';
import type { WebhookStore } from '../stores/webhook-store.ts';
import type { PushStore } from '../stores/push-store.ts';
import type { ActionTokenStore } from '../stores/action-token-store.ts';
import type { FollowUpStore } from '../stores/follow-up-store.ts';
import type { ResumeTokenStore } from '../stores/resume-token-store.ts';
import type { EmailOptOutStore } from '../stores/email-opt-out-store.ts';
import { SqlitePush } from './push.ts';
import { SqliteActionTokens } from './action-tokens.ts';
import { SqliteFollowUps } from './follow-ups.ts';
import { SqliteResumeTokens } from './resume-tokens.ts';
import { SqliteEmailOptOuts } from './email-opt-outs.ts';
import { SqliteAttachments } from './attachments.ts';
import type { AttachmentStore } from '../stores/attachment-store.ts';
import { SqlitePrivacy } from './privacy.ts';
import type { PrivacyStore } from '../stores/privacy-store.ts';

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
 * This class opens the file and makes one store per aggregate (users, agents, threads, the
 * log, visitors, webhooks, approvals, runs: one file each here), which callers use directly.
 *
 * Commits on the hot path (messages, events) go through the {@link GroupedWriter} (see
 * {@link SqliteThreadLog}): the writes queued during one event-loop turn share one
 * transaction. Seqs stay dense: every write takes the next seq in queue order.
 */
export class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  private readonly writer: GroupedWriter;
  readonly users: UserStore;
  readonly agents: AgentStore;
  readonly agentSettings: AgentSettingsStore;
  readonly log: LogStore;
  readonly threads: ThreadStore;
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
  /** The SQLite file keeps no bytes: they are files in `ATTACHMENTS_DIR`. */
  readonly attachmentBytes = null;
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
    // The log, threads and visitors write inside each other's transactions: they know each other's synchronous side.
    const attachments = new SqliteAttachments(this.db);
    this.attachments = attachments;
    const log = new SqliteThreadLog(this.db, this.writer, attachments);
    const threads: SqliteThreads = new SqliteThreads(this.db, log, (threadId) => visitors.visitorOfThread(threadId));
    const visitors = new SqliteVisitors(this.db, threads);
    this.log = log;
    this.threads = threads;
    this.visitors = visitors;
    this.webhooks = new SqliteWebhooks(this.db, secrets);
    this.notifications = new SqliteNotifications(this.db);
    this.counters = new SqliteCounters(this.db);
    this.approvals = new SqliteApprovals(this.db, log);
    this.runs = new SqliteRuns(this.db, log);
    this.ownership = new SqliteOwnership(this.db, log);
    this.notes = new SqliteNotes(this.db, this.writer, log);
    this.search = new SqliteSearch(this.db);
    this.push = new SqlitePush(this.db, secrets);
    this.actionTokens = new SqliteActionTokens(this.db);
    this.followUps = new SqliteFollowUps(this.db);
    this.resumeTokens = new SqliteResumeTokens(this.db);
    this.emailOptOuts = new SqliteEmailOptOuts(this.db);
    this.privacy = new SqlitePrivacy(this.db, this.writer, log);
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

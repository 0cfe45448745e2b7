import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Message, Participant, ParticipationMode, SenderId, ThreadEvent } from '../../../src/core/protocol/model.ts';
import { SqliteAgentSettings } from './sqlite-agent-settings.ts';
import { numOrNull, now, str, strOrNull, toAgent, type Row } from './sqlite-rows.ts';
import { MIGRATIONS } from './sqlite-schema.ts';
import { SqliteVisitors } from './sqlite-visitors.ts';
import type {
  AgentSettingsInput,
  ApprovalRecord,
  CommitResult,
  IdentifiedVisitorInput,
  NewAgent,
  NewAgentToken,
  NewApproval,
  NewEvent,
  NewMessage,
  NewThread,
  NewUser,
  NewVisitor,
  NewWebhook,
  ResumeVisitorInput,
  Storage,
  ThreadCursor,
  ThreadRecord,
  UserRecord,
  WebhookRecord,
} from './storage.ts';

function toUser(row: Row): UserRecord {
  return {
    id: str(row.id),
    email: str(row.email),
    name: str(row.name),
    avatarUrl: strOrNull(row.avatar_url),
    passwordHash: str(row.password_hash),
    disabled: row.disabled === 1,
    createdAt: str(row.created_at),
  };
}

function toEvent(row: Row): ThreadEvent {
  return {
    event_id: str(row.event_id),
    thread_id: str(row.thread_id),
    thread_seq: Number(row.thread_seq),
    event_type: str(row.event_type) as ThreadEvent['event_type'],
    sender_id: str(row.sender_id),
    content: strOrNull(row.content),
    created_at: str(row.created_at),
    data: JSON.parse(str(row.data)) as Record<string, unknown>,
  };
}

function toMessage(row: Row): Message {
  return {
    id: str(row.id),
    thread_id: str(row.thread_id),
    thread_seq: Number(row.thread_seq),
    sender_id: str(row.sender_id),
    role: str(row.role) as Message['role'],
    content: str(row.content),
    client_message_id: strOrNull(row.client_message_id),
    mentions: JSON.parse(str(row.mentions)) as string[],
    base_seq: numOrNull(row.base_seq),
    latest_seen_seq: numOrNull(row.latest_seen_seq),
    created_at: str(row.created_at),
  };
}

function toWebhook(row: Row): WebhookRecord {
  return {
    id: str(row.id),
    threadId: str(row.thread_id),
    callbackUrl: str(row.callback_url),
    secret: str(row.secret),
    active: row.active === 1,
    createdBy: str(row.created_by),
    createdAt: str(row.created_at),
  };
}

function toApproval(row: Row): ApprovalRecord {
  return {
    id: str(row.id),
    threadId: str(row.thread_id),
    runId: str(row.run_id),
    toolName: str(row.tool_name),
    preview: JSON.parse(str(row.preview)) as unknown,
    status: str(row.status) as ApprovalRecord['status'],
    expiresAt: str(row.expires_at),
    decidedBy: strOrNull(row.decided_by),
    decidedAt: strOrNull(row.decided_at),
    createdAt: str(row.created_at),
  };
}

interface QueuedWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The embedded default storage: one SQLite file in WAL mode, every write one transaction.
 *
 * Commits on the hot path (messages, events) are grouped: the writes queued during one
 * event-loop turn share one transaction, each inside its own savepoint, so a failing write
 * rolls back alone while the others commit. Callers learn their outcome only after the
 * shared COMMIT succeeds. Seqs stay dense: every write takes the next seq in queue order.
 */
export class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  private readonly stmt: ReturnType<SqliteStorage['prepare']>;
  private readonly visitors: SqliteVisitors;
  private readonly agentSettings: SqliteAgentSettings;
  private queued: QueuedWrite[] = [];

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // NORMAL is durable across process crashes in WAL mode; only a power cut can lose the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.stmt = this.prepare();
    this.visitors = new SqliteVisitors(this.db, {
      insertThread: (input, id, createdAt) => this.insertThread(input, id, createdAt),
      loadThread: (id) => this.loadThread(id),
    });
    this.agentSettings = new SqliteAgentSettings(this.db);
  }

  /** Runs `work` in the next grouped commit. */
  private grouped<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => this.flush());
      this.queued.push({ work, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private flush(): void {
    const writes = this.queued;
    this.queued = [];
    if (writes.length === 0) return;
    if (!this.db.open) {
      for (const write of writes) write.reject(new Error('The database is closed.'));
      return;
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.db.transaction(() => {
        for (const write of writes) {
          try {
            // A transaction inside a transaction is a savepoint in better-sqlite3.
            outcomes.push({ ok: true, value: this.db.transaction(write.work)() });
          } catch (error) {
            outcomes.push({ ok: false, value: error });
          }
        }
      })();
    } catch (error) {
      for (const write of writes) write.reject(error);
      return;
    }
    writes.forEach((write, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.value);
    });
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(
        `The database was written by a newer version of this server (schema ${version}, this one knows ${MIGRATIONS.length}).`,
      );
    }
    for (let index = version; index < MIGRATIONS.length; index++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[index]!);
        this.db.pragma(`user_version = ${index + 1}`);
      })();
    }
  }

  private prepare() {
    const db = this.db;
    return {
      userById: db.prepare('SELECT * FROM users WHERE id = ?'),
      userByEmail: db.prepare('SELECT * FROM users WHERE email = ?'),
      allUsers: db.prepare('SELECT * FROM users ORDER BY name'),
      allAgents: db.prepare('SELECT * FROM agents ORDER BY name'),
      insertUser: db.prepare('INSERT INTO users (id, email, name, avatar_url, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      setUserDisabled: db.prepare('UPDATE users SET disabled = ? WHERE id = ?'),
      setUserPassword: db.prepare('UPDATE users SET password_hash = ? WHERE id = ?'),
      agentById: db.prepare('SELECT * FROM agents WHERE id = ?'),
      agentBySlug: db.prepare('SELECT * FROM agents WHERE slug = ?'),
      insertAgent: db.prepare(
        'INSERT INTO agents (id, slug, name, avatar_url, greeting, theme_color, engine, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertAgentOwner: db.prepare('INSERT INTO agent_owners (agent_id, user_id) VALUES (?, ?)'),
      agentOwners: db.prepare('SELECT user_id FROM agent_owners WHERE agent_id = ? ORDER BY user_id'),
      insertThread: db.prepare(
        `INSERT INTO threads (id, kind, title, participation_mode, created_by, created_at, updated_at, activity_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      threadById: db.prepare('SELECT * FROM threads WHERE id = ?'),
      participants: db.prepare('SELECT sender_id, name, avatar_url FROM participants WHERE thread_id = ? ORDER BY position'),
      insertParticipant: db.prepare('INSERT INTO participants (thread_id, sender_id, name, avatar_url, position) VALUES (?, ?, ?, ?, ?)'),
      insertAccess: db.prepare('INSERT OR IGNORE INTO thread_access (user_id, thread_id) VALUES (?, ?)'),
      audience: db.prepare('SELECT user_id FROM thread_access WHERE thread_id = ?'),
      userThreadIds: db.prepare('SELECT thread_id FROM thread_access WHERE user_id = ?'),
      userThreadsFirst: db.prepare(
        `SELECT threads.* FROM thread_access JOIN threads ON threads.id = thread_access.thread_id
         WHERE thread_access.user_id = ?
         ORDER BY threads.activity_at DESC, threads.id DESC LIMIT ?`,
      ),
      userThreadsAfter: db.prepare(
        `SELECT threads.* FROM thread_access JOIN threads ON threads.id = thread_access.thread_id
         WHERE thread_access.user_id = ?
           AND (threads.activity_at < ? OR (threads.activity_at = ? AND threads.id < ?))
         ORDER BY threads.activity_at DESC, threads.id DESC LIMIT ?`,
      ),
      hasAccess: db.prepare('SELECT 1 FROM thread_access WHERE user_id = ? AND thread_id = ?'),
      readSeq: db.prepare('SELECT read_seq FROM thread_access WHERE thread_id = ? AND user_id = ?'),
      unreadCount: db.prepare('SELECT COUNT(*) AS n FROM messages WHERE thread_id = ? AND thread_seq > ? AND sender_id != ?'),
      markRead: db.prepare(
        `UPDATE thread_access SET read_seq = MAX(read_seq, MIN(?, (SELECT last_seq FROM threads WHERE id = ?)))
         WHERE thread_id = ? AND user_id = ? RETURNING read_seq`,
      ),
      nextSeq: db.prepare('UPDATE threads SET last_seq = last_seq + 1, updated_at = ? WHERE id = ? RETURNING last_seq'),
      touchActivity: db.prepare(
        `UPDATE threads SET activity_at = ?, last_message_sender = ?, last_message_content = ?, last_message_at = ?
         WHERE id = ?`,
      ),
      insertEvent: db.prepare(
        `INSERT INTO events (thread_id, thread_seq, event_id, event_type, sender_id, content, data, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertMessage: db.prepare(
        `INSERT INTO messages (id, thread_id, thread_seq, sender_id, role, content, client_message_id, mentions,
                               base_seq, latest_seen_seq, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      messageByClientId: db.prepare('SELECT * FROM messages WHERE thread_id = ? AND sender_id = ? AND client_message_id = ?'),
      events: db.prepare('SELECT * FROM events WHERE thread_id = ? AND thread_seq > ? ORDER BY thread_seq LIMIT ?'),
      setMode: db.prepare('UPDATE threads SET participation_mode = ? WHERE id = ? AND participation_mode != ?'),
      insertWebhook: db.prepare(
        `INSERT INTO webhooks (id, thread_id, callback_url, secret, active, created_by, created_at)
         VALUES (?, ?, ?, ?, 1, ?, ?)`,
      ),
      webhookById: db.prepare('SELECT * FROM webhooks WHERE id = ?'),
      deleteWebhook: db.prepare('DELETE FROM webhooks WHERE thread_id = ? AND id = ?'),
      activeWebhooks: db.prepare('SELECT * FROM webhooks WHERE thread_id = ? AND active = 1'),
      deactivateWebhook: db.prepare('UPDATE webhooks SET active = 0 WHERE id = ?'),
      insertApproval: db.prepare(
        `INSERT INTO approvals (id, thread_id, run_id, tool_name, preview, status, expires_at, created_at)
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
      ),
      approvalById: db.prepare('SELECT * FROM approvals WHERE id = ?'),
      settleApproval: db.prepare(`UPDATE approvals SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'`),
      pendingApprovals: db.prepare(`SELECT * FROM approvals WHERE status = 'pending'`),
    };
  }

  // ---- users and agents ----------------------------------------------------------------

  async getUser(id: string) {
    const row = this.stmt.userById.get(id) as Row | undefined;
    return row && toUser(row);
  }

  async getUserByEmail(email: string) {
    const row = this.stmt.userByEmail.get(email) as Row | undefined;
    return row && toUser(row);
  }

  async getUsers(ids: readonly string[]) {
    return ids
      .map((id) => this.stmt.userById.get(id) as Row | undefined)
      .filter((row) => row !== undefined)
      .map(toUser);
  }

  async listUsers() {
    return (this.stmt.allUsers.all() as Row[]).map(toUser);
  }

  async listAgents() {
    return (this.stmt.allAgents.all() as Row[]).map(toAgent);
  }

  async createUser(input: NewUser) {
    const createdAt = now();
    this.stmt.insertUser.run(input.id, input.email, input.name, input.avatarUrl, input.passwordHash, createdAt);
    return { ...input, disabled: false, createdAt };
  }

  async setUserDisabled(userId: string, disabled: boolean) {
    return this.stmt.setUserDisabled.run(disabled ? 1 : 0, userId).changes > 0;
  }

  async setUserPassword(userId: string, passwordHash: string) {
    return this.stmt.setUserPassword.run(passwordHash, userId).changes > 0;
  }

  async getAgent(id: string) {
    const row = this.stmt.agentById.get(id) as Row | undefined;
    return row && toAgent(row);
  }

  async getAgentBySlug(slug: string) {
    const row = this.stmt.agentBySlug.get(slug) as Row | undefined;
    return row && toAgent(row);
  }

  async getAgents(ids: readonly string[]) {
    return ids
      .map((id) => this.stmt.agentById.get(id) as Row | undefined)
      .filter((row) => row !== undefined)
      .map(toAgent);
  }

  async createAgent(input: NewAgent, ownerUserIds: readonly string[]) {
    const createdAt = now();
    this.db.transaction(() => {
      this.stmt.insertAgent.run(
        input.id,
        input.slug,
        input.name,
        input.avatarUrl,
        input.greeting,
        input.themeColor,
        input.engine,
        createdAt,
      );
      for (const userId of ownerUserIds) this.stmt.insertAgentOwner.run(input.id, userId);
    })();
    return toAgent(this.stmt.agentById.get(input.id) as Row);
  }

  async listAgentOwners(agentId: string) {
    return (this.stmt.agentOwners.all(agentId) as Row[]).map((row) => str(row.user_id));
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

  // ---- threads -------------------------------------------------------------------------

  private threadRecord(row: Row): ThreadRecord {
    const participants = (this.stmt.participants.all(row.id) as Row[]).map((p): Participant => ({
      sender_id: str(p.sender_id),
      name: str(p.name),
      avatar_url: strOrNull(p.avatar_url),
    }));
    return {
      id: str(row.id),
      kind: str(row.kind) as ThreadRecord['kind'],
      title: strOrNull(row.title),
      participationMode: str(row.participation_mode) as ParticipationMode,
      lastSeq: Number(row.last_seq),
      participants,
      lastMessage:
        row.last_message_at === null
          ? null
          : {
              sender_id: str(row.last_message_sender),
              content: str(row.last_message_content),
              created_at: str(row.last_message_at),
            },
      createdAt: str(row.created_at),
      updatedAt: str(row.updated_at),
      activityAt: str(row.activity_at),
      visitor: row.kind === 'public' ? (this.visitors.ofThread(str(row.id)) ?? null) : null,
    };
  }

  private loadThread(id: string): ThreadRecord | undefined {
    const row = this.stmt.threadById.get(id) as Row | undefined;
    return row && this.threadRecord(row);
  }

  /** Appends one event at the next seq. Must run inside a transaction. */
  private insertEvent(
    threadId: string,
    input: NewEvent | (Omit<NewEvent, 'eventType'> & { eventType: 'message_committed' }),
    createdAt: string,
  ): ThreadEvent {
    const seqRow = this.stmt.nextSeq.get(createdAt, threadId) as Row | undefined;
    if (!seqRow) throw new Error(`thread ${threadId} does not exist`);
    const event: ThreadEvent = {
      event_id: randomUUID(),
      thread_id: threadId,
      thread_seq: Number(seqRow.last_seq),
      event_type: input.eventType,
      sender_id: input.senderId,
      content: input.content,
      created_at: createdAt,
      data: input.data,
    };
    this.stmt.insertEvent.run(
      threadId,
      event.thread_seq,
      event.event_id,
      event.event_type,
      event.sender_id,
      event.content,
      JSON.stringify(event.data),
      createdAt,
    );
    return event;
  }

  /** Inserts a message and its `message_committed` event. Must run inside a transaction. */
  private insertMessage(input: NewMessage, createdAt: string): { message: Message; event: ThreadEvent } {
    const messageId = randomUUID();
    const event = this.insertEvent(
      input.threadId,
      {
        eventType: 'message_committed',
        senderId: input.senderId,
        content: input.content,
        data: {
          message_id: messageId,
          client_message_id: input.clientMessageId,
          role: input.role,
          mentions: input.mentions,
          base_seq: input.baseSeq,
          latest_seen_seq: input.latestSeenSeq,
        },
      },
      createdAt,
    );
    const message: Message = {
      id: messageId,
      thread_id: input.threadId,
      thread_seq: event.thread_seq,
      sender_id: input.senderId,
      role: input.role,
      content: input.content,
      client_message_id: input.clientMessageId,
      mentions: input.mentions,
      base_seq: input.baseSeq,
      latest_seen_seq: input.latestSeenSeq,
      created_at: createdAt,
    };
    this.stmt.insertMessage.run(
      message.id,
      message.thread_id,
      message.thread_seq,
      message.sender_id,
      message.role,
      message.content,
      message.client_message_id,
      JSON.stringify(message.mentions),
      message.base_seq,
      message.latest_seen_seq,
      createdAt,
    );
    this.stmt.touchActivity.run(createdAt, message.sender_id, message.content, createdAt, input.threadId);
    return { message, event };
  }

  private insertThread(input: NewThread, id: string, createdAt: string): ThreadEvent[] {
    this.stmt.insertThread.run(id, input.kind, input.title, input.participationMode, input.createdBy, createdAt, createdAt, createdAt);
    const events: ThreadEvent[] = [];
    input.participants.forEach((participant, position) => {
      this.stmt.insertParticipant.run(id, participant.sender_id, participant.name, participant.avatar_url, position);
      if (participant.sender_id.startsWith('user:')) this.stmt.insertAccess.run(participant.sender_id.slice(5), id);
      events.push(
        this.insertEvent(
          id,
          {
            eventType: 'participant_joined',
            senderId: participant.sender_id,
            content: null,
            data: { sender_id: participant.sender_id, name: participant.name },
          },
          createdAt,
        ),
      );
    });
    for (const userId of input.extraAudience) this.stmt.insertAccess.run(userId, id);
    return events;
  }

  async createThread(input: NewThread) {
    const id = randomUUID();
    const createdAt = now();
    const result = this.db.transaction(() => {
      const events = this.insertThread(input, id, createdAt);
      let message: Message | null = null;
      if (input.initialMessage) {
        const committed = this.insertMessage({ ...input.initialMessage, threadId: id }, createdAt);
        events.push(committed.event);
        message = committed.message;
      }
      return { events, message };
    })();
    return { thread: this.loadThread(id)!, ...result };
  }

  async getThread(id: string) {
    return this.loadThread(id);
  }

  async listThreadAudience(threadId: string) {
    return (this.stmt.audience.all(threadId) as Row[]).map((row) => str(row.user_id));
  }

  async listUserThreadIds(userId: string) {
    return (this.stmt.userThreadIds.all(userId) as Row[]).map((row) => str(row.thread_id));
  }

  async listUserThreads(userId: string, page: { limit: number; cursor: ThreadCursor | null }) {
    const rows = page.cursor
      ? (this.stmt.userThreadsAfter.all(userId, page.cursor.activityAt, page.cursor.activityAt, page.cursor.id, page.limit) as Row[])
      : (this.stmt.userThreadsFirst.all(userId, page.limit) as Row[]);
    return rows.map((row) => this.threadRecord(row));
  }

  async hasAccess(threadId: string, userId: string) {
    return this.stmt.hasAccess.get(userId, threadId) !== undefined;
  }

  async getReadState(threadId: string, userId: string) {
    const row = this.stmt.readSeq.get(threadId, userId) as Row | undefined;
    if (!row) return undefined;
    const readSeq = Number(row.read_seq);
    const unread = this.stmt.unreadCount.get(threadId, readSeq, `user:${userId}`) as Row;
    return { readSeq, unreadCount: Number(unread.n) };
  }

  async markRead(threadId: string, userId: string, seq: number) {
    const row = this.stmt.markRead.get(seq, threadId, threadId, userId) as Row | undefined;
    return row ? Number(row.read_seq) : 0;
  }

  // ---- the log -------------------------------------------------------------------------

  async commitMessage(input: NewMessage): Promise<CommitResult> {
    return this.grouped((): CommitResult => {
      const existingRow = this.stmt.messageByClientId.get(input.threadId, input.senderId, input.clientMessageId) as Row | undefined;
      if (existingRow) {
        const existing = toMessage(existingRow);
        return existing.content === input.content ? { status: 'duplicate', message: existing } : { status: 'conflict', message: existing };
      }
      return { status: 'created', ...this.insertMessage(input, now()) };
    });
  }

  async appendEvent(threadId: string, input: NewEvent) {
    return this.grouped(() => this.insertEvent(threadId, input, now()));
  }

  async setMode(threadId: string, mode: ParticipationMode, senderId: SenderId) {
    return this.db.transaction(() => {
      const changed = this.stmt.setMode.run(mode, threadId, mode).changes > 0;
      if (!changed) return null;
      return this.insertEvent(threadId, { eventType: 'mode_changed', senderId, content: null, data: { participation_mode: mode } }, now());
    })();
  }

  async listEvents(threadId: string, afterSeq: number, limit: number) {
    const rows = this.stmt.events.all(threadId, afterSeq, limit + 1) as Row[];
    const hasMore = rows.length > limit;
    return { events: rows.slice(0, limit).map(toEvent), hasMore };
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

  async getVisitorByIdentity(agentId: string, sub: string) {
    return this.visitors.byIdentity(agentId, sub);
  }

  async getVisitorOfThread(threadId: string) {
    return this.visitors.ofThread(threadId);
  }

  // ---- webhooks ------------------------------------------------------------------------

  async createWebhook(input: NewWebhook) {
    const record: WebhookRecord = { ...input, id: randomUUID(), active: true, createdAt: now() };
    this.stmt.insertWebhook.run(record.id, record.threadId, record.callbackUrl, record.secret, record.createdBy, record.createdAt);
    return record;
  }

  async getWebhook(id: string) {
    const row = this.stmt.webhookById.get(id) as Row | undefined;
    return row && toWebhook(row);
  }

  async deleteWebhook(threadId: string, id: string) {
    return this.stmt.deleteWebhook.run(threadId, id).changes > 0;
  }

  async listActiveWebhooks(threadId: string) {
    return (this.stmt.activeWebhooks.all(threadId) as Row[]).map(toWebhook);
  }

  async deactivateWebhook(id: string) {
    this.stmt.deactivateWebhook.run(id);
  }

  // ---- approvals -----------------------------------------------------------------------

  async createApproval(input: NewApproval, event: NewEvent) {
    return this.db.transaction(() => {
      const createdAt = now();
      const id = randomUUID();
      this.stmt.insertApproval.run(
        id,
        input.threadId,
        input.runId,
        input.toolName,
        JSON.stringify(input.preview ?? null),
        input.expiresAt,
        createdAt,
      );
      const committed = this.insertEvent(input.threadId, { ...event, data: { ...event.data, approval_id: id } }, createdAt);
      return { approval: toApproval(this.stmt.approvalById.get(id) as Row), event: committed };
    })();
  }

  async getApproval(id: string) {
    const row = this.stmt.approvalById.get(id) as Row | undefined;
    return row && toApproval(row);
  }

  async settleApproval(id: string, outcome: { status: 'approved' | 'rejected' | 'expired'; decidedBy: SenderId | null }, event: NewEvent) {
    return this.db.transaction(() => {
      const decidedAt = now();
      const changed = this.stmt.settleApproval.run(outcome.status, outcome.decidedBy, decidedAt, id).changes > 0;
      if (!changed) return null;
      const approval = toApproval(this.stmt.approvalById.get(id) as Row);
      return { approval, event: this.insertEvent(approval.threadId, event, decidedAt) };
    })();
  }

  async listPendingApprovals() {
    return (this.stmt.pendingApprovals.all() as Row[]).map(toApproval);
  }

  async close() {
    // Writes still queued are committed before the file closes.
    this.flush();
    if (this.db.open) this.db.close();
  }
}

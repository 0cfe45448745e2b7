import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { ThreadEvent } from '../../../../src/core/protocol/model.ts';
import type { NotificationLanguage } from '../../../../src/core/protocol/notifications.ts';
import { VISITOR_DEFAULT_NAME } from '../../threads/principal.ts';
import { visitorThread } from '../visitor-thread.ts';
import { now, str, toVisitor, toVisitorThread, type Row } from './rows.ts';
import type {
  AgentRecord,
  IdentifiedVisitorInput,
  NewThread,
  NewVisitor,
  ResumeVisitorInput,
  ThreadRecord,
  VisitorRecord,
  VisitorResolution,
  VisitorThreadSummary,
} from '../storage.ts';
import type { VisitorStore } from '../stores/visitor-store.ts';

/** What the visitor module needs of the thread tables (owned by {@link SqliteThreads}). */
export interface ThreadTables {
  /** Inserts a thread and its `participant_joined` events. Must run inside a transaction. */
  insertThread(input: NewThread, id: string, createdAt: string): ThreadEvent[];
  loadThread(id: string): ThreadRecord | undefined;
}

/**
 * Visitors and their tokens in the SQLite file (`storage.visitors`). Every
 * public method is one transaction. Callers run them synchronously: none awaits inside.
 */
export class SqliteVisitors implements VisitorStore {
  private readonly stmt;

  constructor(
    private readonly db: Database.Database,
    private readonly threads: ThreadTables,
  ) {
    this.stmt = {
      byId: db.prepare('SELECT * FROM visitors WHERE id = ?'),
      byIdentity: db.prepare('SELECT * FROM visitors WHERE agent_id = ? AND identity_sub = ?'),
      byToken: db.prepare(
        `SELECT visitors.*, COALESCE(visitor_tokens.last_used_at, visitor_tokens.created_at) AS token_last_used_at
         FROM visitor_tokens JOIN visitors ON visitors.id = visitor_tokens.visitor_id
         WHERE visitor_tokens.token_hash = ? AND visitors.agent_id = ?`,
      ),
      // The participants table knows who started each public thread, also after a fresh start.
      ofThread: db.prepare(
        `SELECT visitors.* FROM participants JOIN visitors ON visitors.id = substr(participants.sender_id, 9)
         WHERE participants.thread_id = ? AND participants.sender_id LIKE 'visitor:%'`,
      ),
      // Served by participants_by_sender: the visitor's threads, then only theirs are sorted.
      threadsOf: db.prepare(
        `SELECT threads.id, threads.status, threads.last_message_sender, threads.last_message_content,
                threads.last_message_at, threads.updated_at
         FROM participants JOIN threads ON threads.id = participants.thread_id
         WHERE participants.sender_id = ? AND NOT EXISTS (SELECT 1 FROM thread_erasures WHERE thread_id = threads.id)
         ORDER BY threads.updated_at DESC, threads.id DESC LIMIT ?`,
      ),
      insert: db.prepare(
        `INSERT INTO visitors (id, agent_id, email, name, identity_sub, verified, thread_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertToken: db.prepare('INSERT INTO visitor_tokens (token_hash, visitor_id, created_at, last_used_at) VALUES (?, ?, ?, ?)'),
      touchToken: db.prepare('UPDATE visitor_tokens SET last_used_at = ? WHERE token_hash = ?'),
      setLanguage: db.prepare('UPDATE visitors SET language = ? WHERE id = ?'),
      revokeToken: db.prepare(
        'DELETE FROM visitor_tokens WHERE token_hash = ? AND visitor_id IN (SELECT id FROM visitors WHERE agent_id = ?)',
      ),
      revokeAllTokens: db.prepare('DELETE FROM visitor_tokens WHERE visitor_id = ?'),
      updateLabels: db.prepare('UPDATE visitors SET email = COALESCE(?, email), name = COALESCE(?, name) WHERE id = ?'),
      renameParticipant: db.prepare('UPDATE participants SET name = ? WHERE thread_id = ? AND sender_id = ?'),
      // The labels become the identity's claims: what the visitor typed is not shown as verified.
      bindIdentity: db.prepare(
        `UPDATE visitors SET identity_sub = @sub, verified = 1, email = @email, name = @name
         WHERE id = @id AND identity_sub IS NULL
           AND NOT EXISTS (SELECT 1 FROM visitors AS other WHERE other.agent_id = @agentId AND other.identity_sub = @sub)`,
      ),
      markVerified: db.prepare('UPDATE visitors SET verified = 1 WHERE id = ?'),
      move: db.prepare('UPDATE visitors SET thread_id = ? WHERE id = ?'),
      owners: db.prepare('SELECT user_id FROM agent_owners WHERE agent_id = ? ORDER BY user_id'),
    };
  }

  async ofThread(threadId: string): Promise<VisitorRecord | undefined> {
    return this.visitorOfThread(threadId);
  }

  /** {@link ofThread} at once, for the thread module's records. */
  visitorOfThread(threadId: string): VisitorRecord | undefined {
    const row = this.stmt.ofThread.get(threadId) as Row | undefined;
    return row && toVisitor(row);
  }

  async threadsOf(visitorId: string, limit: number): Promise<VisitorThreadSummary[]> {
    return (this.stmt.threadsOf.all(`visitor:${visitorId}`, limit) as Row[]).map(toVisitorThread);
  }

  async byToken(agentId: string, tokenHash: string): Promise<(VisitorRecord & { tokenLastUsedAt: string }) | undefined> {
    const row = this.stmt.byToken.get(tokenHash, agentId) as Row | undefined;
    return row && { ...toVisitor(row), tokenLastUsedAt: str(row.token_last_used_at) };
  }

  async touchToken(tokenHash: string, usedAt: string): Promise<void> {
    this.stmt.touchToken.run(usedAt, tokenHash);
  }

  async setLanguage(visitorId: string, language: NotificationLanguage): Promise<void> {
    this.stmt.setLanguage.run(language, visitorId);
  }

  async revokeToken(agentId: string, tokenHash: string): Promise<boolean> {
    return this.stmt.revokeToken.run(tokenHash, agentId).changes > 0;
  }

  async byIdentity(agentId: string, sub: string): Promise<VisitorRecord | undefined> {
    return this.identityVisitor(agentId, sub);
  }

  private identityVisitor(agentId: string, sub: string): VisitorRecord | undefined {
    const row = this.stmt.byIdentity.get(agentId, sub) as Row | undefined;
    return row && toVisitor(row);
  }

  async create(input: NewVisitor): Promise<VisitorResolution> {
    return this.db.transaction(() => this.insertVisitor(input.agent, input.email, input.name, null, input.tokenHash))();
  }

  async resolveIdentified(input: IdentifiedVisitorInput): Promise<VisitorResolution> {
    return this.db.transaction((): VisitorResolution => {
      const existing = this.identityVisitor(input.agent.id, input.sub);
      if (!existing) return this.insertVisitor(input.agent, input.email, input.name, input.sub, input.tokenHash);
      this.insertToken(input.tokenHash, existing.id, now());
      this.stmt.markVerified.run(existing.id);
      return this.continueVisitor(input.agent, existing.id, input.email, input.name, input.fresh);
    })();
  }

  async resume(input: ResumeVisitorInput): Promise<VisitorResolution | undefined> {
    return this.db.transaction((): VisitorResolution | undefined => {
      if (!this.stmt.byId.get(input.visitorId)) return undefined;
      const { bind } = input;
      const bound =
        bind !== null &&
        this.stmt.bindIdentity.run({ sub: bind.sub, email: bind.email, name: bind.name, id: input.visitorId, agentId: input.agent.id })
          .changes > 0;
      if (bound) {
        this.stmt.revokeAllTokens.run(input.visitorId);
        this.insertToken(bind.tokenHash, input.visitorId, now());
        const visitor = toVisitor(this.stmt.byId.get(input.visitorId) as Row);
        this.stmt.renameParticipant.run(bind.name ?? VISITOR_DEFAULT_NAME, visitor.threadId, `visitor:${input.visitorId}`);
      }
      const resolution = this.continueVisitor(input.agent, input.visitorId, input.email, input.name, input.fresh);
      return bound ? { ...resolution, bound } : resolution;
    })();
  }

  /** Updates the labels of an existing visitor, then resumes its open thread or opens a fresh one. */
  private continueVisitor(
    agent: AgentRecord,
    visitorId: string,
    email: string | null,
    name: string | null,
    fresh: boolean,
  ): VisitorResolution {
    this.stmt.updateLabels.run(email, name, visitorId);
    let visitor = toVisitor(this.stmt.byId.get(visitorId) as Row);
    if (!fresh) {
      if (name) this.stmt.renameParticipant.run(name, visitor.threadId, `visitor:${visitorId}`);
      return { thread: this.threads.loadThread(visitor.threadId)!, visitor, resumed: true, events: [] };
    }
    const threadId = randomUUID();
    const events = this.openThread(agent, visitor, threadId, now());
    this.stmt.move.run(threadId, visitorId);
    visitor = { ...visitor, threadId };
    return { thread: this.threads.loadThread(threadId)!, visitor, resumed: false, events };
  }

  private insertVisitor(
    agent: AgentRecord,
    email: string | null,
    name: string | null,
    sub: string | null,
    tokenHash: string,
  ): VisitorResolution {
    const createdAt = now();
    const threadId = randomUUID();
    const visitor: VisitorRecord = {
      id: randomUUID(),
      agentId: agent.id,
      email,
      name,
      identitySub: sub,
      verified: sub !== null,
      threadId,
      language: null,
    };
    const events = this.openThread(agent, visitor, threadId, createdAt);
    this.stmt.insert.run(visitor.id, agent.id, email, name, sub, sub === null ? 0 : 1, threadId, createdAt);
    this.insertToken(tokenHash, visitor.id, createdAt);
    return { thread: this.threads.loadThread(threadId)!, visitor, resumed: false, events };
  }

  /** A token counts as used when issued: its idle time starts then. */
  private insertToken(tokenHash: string, visitorId: string, at: string): void {
    this.stmt.insertToken.run(tokenHash, visitorId, at, at);
  }

  /** A new public thread between the visitor and the agent, seen by the agent's owners. */
  private openThread(agent: AgentRecord, visitor: VisitorRecord, threadId: string, createdAt: string): ThreadEvent[] {
    const owners = (this.stmt.owners.all(agent.id) as Row[]).map((row) => str(row.user_id));
    return this.threads.insertThread(visitorThread(agent, visitor, owners), threadId, createdAt);
  }
}

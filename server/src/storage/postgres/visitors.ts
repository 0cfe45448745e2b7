import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import type { ThreadEvent } from '../../../../src/core/protocol/model.ts';
import type { NotificationLanguage } from '../../../../src/core/protocol/notifications.ts';
import { visitorThread } from '../visitor-thread.ts';
import { VISITOR_DEFAULT_NAME } from '../../threads/principal.ts';
import { iso, now, toVisitor, toVisitorThread, type Db, type Row } from './rows.ts';
import type { PostgresThreads } from './threads.ts';
import type {
  AgentRecord,
  IdentifiedVisitorInput,
  NewVisitor,
  ResumeVisitorInput,
  VisitorRecord,
  VisitorResolution,
  VisitorThreadSummary,
} from '../storage.ts';
import type { VisitorStore } from '../stores/visitor-store.ts';

type Tx = postgres.TransactionSql;

/** Visitors and their tokens in PostgreSQL. Every public method that writes is one transaction. */
export class PostgresVisitors implements VisitorStore {
  constructor(
    private readonly sql: postgres.Sql,
    private readonly threads: PostgresThreads,
  ) {}

  async ofThread(threadId: string): Promise<VisitorRecord | undefined> {
    // The participants table knows who started each public thread, also after a fresh start.
    const [row] = await this.sql<Row[]>`
      SELECT visitors.* FROM participants JOIN visitors ON visitors.id = substr(participants.sender_id, 9)
      WHERE participants.thread_id = ${threadId} AND participants.sender_id LIKE 'visitor:%'`;
    return row && toVisitor(row);
  }

  async threadsOf(visitorId: string, limit: number): Promise<VisitorThreadSummary[]> {
    // Served by participants_by_sender: the visitor's threads, then only theirs are sorted.
    const rows = await this.sql<Row[]>`
      SELECT threads.id, threads.status, threads.last_message_sender, threads.last_message_content,
             threads.last_message_at, threads.updated_at
      FROM participants JOIN threads ON threads.id = participants.thread_id
      WHERE participants.sender_id = ${`visitor:${visitorId}`} AND NOT EXISTS (SELECT 1 FROM thread_erasures WHERE thread_id = threads.id)
      ORDER BY threads.updated_at DESC, threads.id DESC LIMIT ${limit}`;
    return rows.map(toVisitorThread);
  }

  async byToken(agentId: string, tokenHash: string): Promise<(VisitorRecord & { tokenLastUsedAt: string }) | undefined> {
    const [row] = await this.sql<Row[]>`
      SELECT visitors.*, coalesce(visitor_tokens.last_used_at, visitor_tokens.created_at) AS token_last_used_at
      FROM visitor_tokens JOIN visitors ON visitors.id = visitor_tokens.visitor_id
      WHERE visitor_tokens.token_hash = ${tokenHash} AND visitors.agent_id = ${agentId}`;
    return row && { ...toVisitor(row), tokenLastUsedAt: iso(row.token_last_used_at) };
  }

  async touchToken(tokenHash: string, usedAt: string): Promise<void> {
    await this.sql`UPDATE visitor_tokens SET last_used_at = ${usedAt} WHERE token_hash = ${tokenHash}`;
  }

  async setLanguage(visitorId: string, language: NotificationLanguage): Promise<void> {
    await this.sql`UPDATE visitors SET language = ${language} WHERE id = ${visitorId}`;
  }

  async revokeToken(agentId: string, tokenHash: string): Promise<boolean> {
    const rows = await this.sql`
      DELETE FROM visitor_tokens WHERE token_hash = ${tokenHash}
        AND visitor_id IN (SELECT id FROM visitors WHERE agent_id = ${agentId})`;
    return rows.count > 0;
  }

  async byIdentity(agentId: string, sub: string, db: Db = this.sql): Promise<VisitorRecord | undefined> {
    const [row] = await db<Row[]>`SELECT * FROM visitors WHERE agent_id = ${agentId} AND identity_sub = ${sub}`;
    return row && toVisitor(row);
  }

  async create(input: NewVisitor): Promise<VisitorResolution> {
    return this.sql.begin((tx) => this.insertVisitor(tx, input.agent, input.email, input.name, null, input.tokenHash));
  }

  async resolveIdentified(input: IdentifiedVisitorInput): Promise<VisitorResolution> {
    return this.sql.begin(async (tx): Promise<VisitorResolution> => {
      // Serialises first contacts of one identity across processes: the second waits, then finds the first's visitor.
      await tx`SELECT pg_advisory_xact_lock(hashtext(${`${input.agent.id}:${input.sub}`}))`;
      const existing = await this.byIdentity(input.agent.id, input.sub, tx);
      if (!existing) return this.insertVisitor(tx, input.agent, input.email, input.name, input.sub, input.tokenHash);
      await this.insertToken(tx, input.tokenHash, existing.id, now());
      await tx`UPDATE visitors SET verified = true WHERE id = ${existing.id}`;
      return this.continueVisitor(tx, input.agent, existing.id, input.email, input.name, input.fresh);
    });
  }

  async resume(input: ResumeVisitorInput): Promise<VisitorResolution | undefined> {
    return this.sql.begin(async (tx): Promise<VisitorResolution | undefined> => {
      // The row lock keeps two fresh starts of one visitor from racing.
      const [found] = await tx`SELECT 1 FROM visitors WHERE id = ${input.visitorId} FOR UPDATE`;
      if (!found) return undefined;
      const { bind } = input;
      let bound = false;
      if (bind) {
        await tx`SELECT pg_advisory_xact_lock(hashtext(${`${input.agent.id}:${bind.sub}`}))`;
        // The labels become the identity's claims: what the visitor typed is not shown as verified.
        const [row] = await tx<Row[]>`
          UPDATE visitors SET identity_sub = ${bind.sub}, verified = true, email = ${bind.email}, name = ${bind.name}
          WHERE id = ${input.visitorId} AND identity_sub IS NULL
            AND NOT EXISTS (SELECT 1 FROM visitors AS other WHERE other.agent_id = ${input.agent.id} AND other.identity_sub = ${bind.sub})
          RETURNING thread_id`;
        if (row) {
          bound = true;
          await tx`DELETE FROM visitor_tokens WHERE visitor_id = ${input.visitorId}`;
          await this.insertToken(tx, bind.tokenHash, input.visitorId, now());
          await tx`
            UPDATE participants SET name = ${bind.name ?? VISITOR_DEFAULT_NAME}
            WHERE thread_id = ${row.thread_id as string} AND sender_id = ${`visitor:${input.visitorId}`}`;
        }
      }
      const resolution = await this.continueVisitor(tx, input.agent, input.visitorId, input.email, input.name, input.fresh);
      return bound ? { ...resolution, bound } : resolution;
    });
  }

  /** Updates the labels of an existing visitor, then resumes its open thread or opens a fresh one. */
  private async continueVisitor(
    tx: Tx,
    agent: AgentRecord,
    visitorId: string,
    email: string | null,
    name: string | null,
    fresh: boolean,
  ): Promise<VisitorResolution> {
    const [row] = await tx<Row[]>`
      UPDATE visitors SET email = coalesce(${email}, email), name = coalesce(${name}, name) WHERE id = ${visitorId} RETURNING *`;
    let visitor = toVisitor(row!);
    if (!fresh) {
      if (name) {
        await tx`UPDATE participants SET name = ${name} WHERE thread_id = ${visitor.threadId} AND sender_id = ${`visitor:${visitorId}`}`;
      }
      return { thread: (await this.threads.get(visitor.threadId, tx))!, visitor, resumed: true, events: [] };
    }
    const threadId = randomUUID();
    const events = await this.openThread(tx, agent, visitor, threadId, now());
    await tx`UPDATE visitors SET thread_id = ${threadId} WHERE id = ${visitorId}`;
    visitor = { ...visitor, threadId };
    return { thread: (await this.threads.get(threadId, tx))!, visitor, resumed: false, events };
  }

  private async insertVisitor(
    tx: Tx,
    agent: AgentRecord,
    email: string | null,
    name: string | null,
    sub: string | null,
    tokenHash: string,
  ): Promise<VisitorResolution> {
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
    const events = await this.openThread(tx, agent, visitor, threadId, createdAt);
    await tx`
      INSERT INTO visitors (id, agent_id, email, name, identity_sub, verified, thread_id, created_at)
      VALUES (${visitor.id}, ${agent.id}, ${email}, ${name}, ${sub}, ${sub !== null}, ${threadId}, ${createdAt})`;
    await this.insertToken(tx, tokenHash, visitor.id, createdAt);
    return { thread: (await this.threads.get(threadId, tx))!, visitor, resumed: false, events };
  }

  /** A token counts as used when issued: its idle time starts then. */
  private async insertToken(tx: Tx, tokenHash: string, visitorId: string, at: string): Promise<void> {
    await tx`INSERT INTO visitor_tokens (token_hash, visitor_id, created_at, last_used_at) VALUES (${tokenHash}, ${visitorId}, ${at}, ${at})`;
  }

  /** A new public thread between the visitor and the agent, seen by the agent's owners. */
  private async openThread(
    tx: Tx,
    agent: AgentRecord,
    visitor: VisitorRecord,
    threadId: string,
    createdAt: string,
  ): Promise<ThreadEvent[]> {
    const owners = (await tx<{ user_id: string }[]>`SELECT user_id FROM agent_owners WHERE agent_id = ${agent.id} ORDER BY user_id`).map(
      (row) => row.user_id,
    );
    return this.threads.insertThread(tx, visitorThread(agent, visitor, owners), threadId, createdAt);
  }
}

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { ADMIN_ACTOR, auditEntry } from '../privacy/audit-entry.ts';
import { exportVisitor } from '../privacy/visitor-export.ts';
import { isUuid } from '../http/validation.ts';
import { refused, usageError } from './admin-error.ts';
import { adminLog } from './admin-log.ts';
import { readConfirmation } from './read-confirmation.ts';
import type { ErasedBy } from './visitor-erasure.ts';
import { parseSlug } from './admin-input.ts';
import { stringFlag, type AdminCommand, type CommandContext } from './admin-command.ts';

/** Audit entries read per page while printing them all. */
const AUDIT_PRINT_PAGE = 500;

/** `--visitor` as given: a visitor's id (a UUID). */
function parseVisitorId(raw: string): string {
  if (!isUuid(raw))
    throw usageError(`--visitor "${raw}" is not a visitor id: give the id (a UUID) that the inbox or GET /agents/{slug}/visitors shows.`);
  return raw.toLowerCase();
}

/** The agent of `slug` and its visitor `visitorId`; refused (exit 1) when either is not there. */
async function agentVisitor({ storage }: CommandContext, slug: string, visitorId: string) {
  const agent = await storage.agents.bySlug(slug);
  if (!agent) throw refused(`No agent has the slug "${slug}"; see npm run admin -- list-agents.`);
  const visitor = await storage.privacy.visitor(agent.id, visitorId);
  if (!visitor) throw refused(`The agent "${slug}" has no visitor ${visitorId} (erased already, or another agent's).`);
  return { agent, visitor };
}

const exportVisitorCommand: AdminCommand = {
  name: 'export-visitor',
  summary: "write everything kept about one of an agent's visitors as JSON (the same document as the REST export)",
  usage: '--agent SLUG --visitor ID [--out FILE]',
  help: [
    'Writes to stdout, or to FILE (created or replaced). The document holds the visitor, every',
    "thread they started with every event (notes included) and their attachments' metadata.",
    'The export is written to the audit log (actor "admin").',
  ],
  options: { agent: { type: 'string' }, visitor: { type: 'string' }, out: { type: 'string' } },
  required: ['agent', 'visitor'],
  prepare(flags) {
    const slug = parseSlug(stringFlag(flags, 'agent')!);
    const visitorId = parseVisitorId(stringFlag(flags, 'visitor')!);
    const out = stringFlag(flags, 'out');
    if (out === '') throw usageError('--out needs a file name.');
    return async (context) => {
      const { agent, visitor } = await agentVisitor(context, slug, visitorId);
      // Recorded first: an export that was not recorded is not made.
      await context.storage.privacy.appendAudit(
        auditEntry({ agentId: agent.id, actor: ADMIN_ACTOR, action: 'visitor.exported', target: `visitor:${visitor.id}` }),
      );
      const document = Readable.from(exportVisitor(context.storage, visitor, new Date().toISOString()));
      if (out === undefined) {
        for await (const chunk of document) {
          if (!context.io.stdout.write(chunk)) await once(context.io.stdout, 'drain');
        }
        context.io.stdout.write('\n');
      } else {
        await pipeline(document, createWriteStream(out));
        context.note(`Wrote the export of visitor ${visitor.id} to ${out}.`);
      }
    };
  },
};

/** "1 conversation", "3 conversations". */
const conversations = (count: number) => `${count} conversation${count === 1 ? '' : 's'}`;

/** The note after an erasure: who erased, and so who heard of it. */
const ERASED_BY: Record<ErasedBy, string> = {
  'running-server': 'The running server erased it: its open sockets and the webhooks got thread_deleted.',
  'over-nats': 'Erased over NATS: open sockets on every server process and the webhooks got thread_deleted.',
  'no-server': 'No server was running: erased by this command, and the webhooks got thread_deleted.',
};

const eraseVisitorCommand: AdminCommand = {
  name: 'erase-visitor',
  summary: "erase one of an agent's visitors and every conversation they started, on every server process",
  usage: '--agent SLUG --visitor ID [--yes]',
  help: [
    'The same erasure as DELETE /agents/{slug}/visitors/{id}: the visitor, their threads with every',
    'message, note and attachment, their tokens, resume links and queued notifications. Each thread',
    'first commits thread_deleted (reason erased_by_owner): open inbox sockets and webhooks hear of',
    "it, and the visitor's own sockets close. When the command says done, every path answers",
    '404/401 on every process. Running servers need not be stopped: one server process (no',
    'NATS_URL) is asked to erase through its control socket beside the database file; with NATS',
    'the command joins the bus itself. With no server running it erases alone.',
    'It asks first at a terminal (type "erase"); --yes erases without asking (scripts). Cancelling',
    'exits 130 and changes nothing. The erasure is written to the audit log (actor "admin").',
  ],
  options: { agent: { type: 'string' }, visitor: { type: 'string' }, yes: { type: 'boolean' } },
  required: ['agent', 'visitor'],
  prepare(flags) {
    const slug = parseSlug(stringFlag(flags, 'agent')!);
    const visitorId = parseVisitorId(stringFlag(flags, 'visitor')!);
    const confirmed = flags.yes === true;
    return async (context) => {
      const { visitor } = await agentVisitor(context, slug, visitorId);
      const what = conversations(visitor.threadIds.length);
      if (!confirmed) {
        await readConfirmation(
          context.io.stdin,
          context.io.stderr,
          `This erases visitor ${visitor.id} of "${slug}" and ${what} with every message, note and attachment. It cannot be undone.`,
          'erase',
        );
      }
      // Loaded only here: the services an erasure runs (NATS, webhooks, attachments) would slow every other command's start.
      const { eraseVisitorEverywhere } = await import('./visitor-erasure.ts');
      const { threads, by } = await eraseVisitorEverywhere(context.config, context.storage, visitor, adminLog(context.io.stderr));
      context.print(`Erased visitor ${visitor.id} of "${slug}" and ${conversations(threads)}.`);
      context.note(ERASED_BY[by]);
    };
  },
};

const auditCommand: AdminCommand = {
  name: 'audit',
  summary: 'print the audit log, oldest first: one JSON entry a line',
  usage: '[--agent SLUG] [--since ISO-TIME]',
  help: [
    'Every entry, or those of one agent, or those at or after a time (e.g. 2026-01-31T00:00:00Z).',
    'Entries name people by id only. Reading the log is itself written to it (actor "admin").',
  ],
  options: { agent: { type: 'string' }, since: { type: 'string' } },
  required: [],
  prepare(flags) {
    const rawSlug = stringFlag(flags, 'agent');
    const slug = rawSlug === undefined ? undefined : parseSlug(rawSlug);
    const rawSince = stringFlag(flags, 'since');
    const since = rawSince === undefined ? undefined : Date.parse(rawSince);
    if (since !== undefined && (Number.isNaN(since) || !/^\d{4}-\d{2}-\d{2}/.test(rawSince!))) {
      throw usageError(`--since "${rawSince}" is not a time: give an ISO-8601 time such as 2026-01-31T00:00:00Z.`);
    }
    return async ({ storage, print }) => {
      let agentId: string | null = null;
      if (slug !== undefined) {
        const agent = await storage.agents.bySlug(slug);
        if (!agent) throw refused(`No agent has the slug "${slug}"; see npm run admin -- list-agents.`);
        agentId = agent.id;
      }
      await storage.privacy.appendAudit(
        auditEntry({
          agentId,
          actor: ADMIN_ACTOR,
          action: 'audit.read',
          target: agentId === null ? 'audit' : `agent:${agentId}`,
          details: since === undefined ? {} : { since: new Date(since).toISOString() },
        }),
      );
      const entries = [];
      let before: number | null = null;
      do {
        const page = await storage.privacy.allAuditEntries({ agentId, before, limit: AUDIT_PRINT_PAGE });
        entries.push(...page.entries.filter((entry) => since === undefined || Date.parse(entry.at) >= since));
        before = page.next;
        if (page.entries.length > 0 && since !== undefined && Date.parse(page.entries.at(-1)!.at) < since) break;
      } while (before !== null);
      for (const entry of entries.reverse()) {
        print(
          JSON.stringify({
            id: entry.id,
            at: entry.at,
            agent_id: entry.agentId,
            actor: entry.actor,
            action: entry.action,
            target: entry.target,
            details: entry.details,
            address: entry.address,
          }),
        );
      }
    };
  },
};

export const privacyCommands: readonly AdminCommand[] = [exportVisitorCommand, eraseVisitorCommand, auditCommand];

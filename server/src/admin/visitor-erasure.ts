import type { FastifyBaseLogger } from 'fastify';
import { AttachmentService } from '../attachments/attachment-service.ts';
import { openAttachmentBytes } from '../attachments/open-attachment-bytes.ts';
import type { ServerConfig } from '../config.ts';
import { ADMIN_ACTOR } from '../privacy/audit-entry.ts';
import { PrivacyService } from '../privacy/privacy-service.ts';
import { LocalControl, type ControlChannel } from '../realtime/control-channel.ts';
import { InProcessHub, type Hub } from '../realtime/hub.ts';
import { NatsBus } from '../realtime/nats/nats-bus.ts';
import { NatsControl } from '../realtime/nats/nats-control.ts';
import { NatsHub } from '../realtime/nats/nats-hub.ts';
import type { Storage } from '../storage/storage.ts';
import type { VisitorSummary } from '../storage/stores/privacy-store.ts';
import { ThreadService } from '../threads/thread-service.ts';
import { AddressGuard } from '../webhooks/address-guard.ts';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.ts';
import { askRunningServer, controlSocketPath } from './control-socket.ts';
import { AdminError, ExitCode, refused } from './admin-error.ts';

/** Who erased, as the admin command reports it: the server on the control socket, this command over NATS, or this command with no server running. */
export type ErasedBy = 'running-server' | 'over-nats' | 'no-server';

/**
 * Erases a visitor from the admin command (CONTRACT §14), so that running servers learn of it
 * as they do of an owner's erasure by REST: their open sockets get `thread_deleted`, the
 * visitor's sockets close, webhooks get `thread_deleted`, and every path answers 404/401.
 *
 * - **With NATS** (`NATS_URL`, several processes on PostgreSQL): this command joins the bus as
 *   one more process and erases itself. Its commits reach every process's sockets over NATS
 *   (flushed before it says done), the revocation closes the visitor's sockets everywhere,
 *   and it delivers the thread's webhooks itself (the erasure waits for them, as on a server).
 * - **On SQLite** (one server process): a server's sockets hear only its in-process hub,
 *   which no other process reaches, so the erasure is handed to the server listening on the
 *   database's control socket (see `control-socket.ts`), which erases as for REST and answers
 *   when done. When none listens (no server runs, or it died), there is no open socket to tell:
 *   this command erases itself and delivers the webhooks itself.
 *
 * - **PostgreSQL without NATS**: this command erases alone; as for every commit there, only
 *   the process that commits reaches its own sockets (several processes need NATS).
 *
 * Either way the data is gone from the database before the command says so, so no reader on
 * any process can read it afterwards; and nothing waits for a server to start. Afterwards the
 * visitor is looked up again: what some other listener on the socket path answered is not
 * taken on trust.
 */
export async function eraseVisitorEverywhere(
  config: ServerConfig,
  storage: Storage,
  visitor: VisitorSummary,
  log: FastifyBaseLogger,
): Promise<{ threads: number; by: ErasedBy }> {
  let result: { threads: number; by: ErasedBy } | undefined;
  const path = config.nats || config.databaseUrl !== null ? null : controlSocketPath(config);
  if (path !== null) {
    const answer = await askRunningServer(path, { op: 'erase-visitor', agent_id: visitor.agentId, visitor_id: visitor.id });
    if (answer?.ok) result = { threads: answer.threads, by: 'running-server' };
    else if (answer?.error === 'not_found') throw refused(`The visitor ${visitor.id} was erased meanwhile (by someone else).`);
    else if (answer) throw new AdminError(`The running server could not erase the visitor: ${answer.message}`, ExitCode.failed);
  }
  result ??= { threads: await eraseHere(config, storage, visitor, log), by: config.nats ? 'over-nats' : 'no-server' };
  if (await storage.privacy.visitor(visitor.agentId, visitor.id)) {
    throw new AdminError(`The visitor ${visitor.id} is still there after the erasure; run the command again.`, ExitCode.failed);
  }
  return result;
}

/** This process erases, with the services a server would use (the hub over NATS when configured). */
async function eraseHere(config: ServerConfig, storage: Storage, visitor: VisitorSummary, log: FastifyBaseLogger): Promise<number> {
  const bus = config.nats ? await NatsBus.connect(config.nats, log) : null;
  try {
    const hub: Hub = bus ? new NatsHub(bus, log) : new InProcessHub();
    const control: ControlChannel = bus
      ? new NatsControl(bus, log)
      : new LocalControl((error) => log.error({ err: error }, 'control listener failed'));
    const threads = new ThreadService(storage, hub);
    const webhooks = new WebhookDispatcher(
      storage,
      log,
      { retryBaseMs: config.webhookRetryBaseMs, leaseMs: config.webhookLeaseMs },
      new AddressGuard(config.webhookAllowPrivateNetworks),
    );
    // Not started: it delivers what this command commits (thread_deleted), not every thread's backlog.
    threads.onCommit(
      (event, _thread, _message, facts) =>
        void webhooks
          .enqueue(event, facts?.activeWebhookIds)
          .catch((error: unknown) => log.error({ err: error }, 'webhook enqueue failed')),
    );
    try {
      const bytes = await openAttachmentBytes(storage, config.attachments);
      const attachments = new AttachmentService(storage, threads, bytes, log);
      const privacy = new PrivacyService(storage, threads, attachments, log, (visitorId) =>
        control.visitorTokensRevoked({ visitorId, tokenHash: null }),
      );
      const erased = await privacy.eraseVisitor(visitor, 'erased_by_owner', 'system', { actor: ADMIN_ACTOR });
      // The frames are with every process before the command says done.
      await bus?.flush();
      return erased;
    } finally {
      await webhooks.stop();
    }
  } finally {
    await bus?.close();
  }
}

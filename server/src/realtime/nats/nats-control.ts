import type { FastifyBaseLogger } from 'fastify';
import type { Msg } from '@nats-io/transport-node';
import type { ApprovalOutcome } from '../../agents/agent.ts';
import { LocalControl, type ApprovalSettled, type ControlChannel, type VisitorTokensRevoked } from '../control-channel.ts';
import type { NatsBus } from './nats-bus.ts';
import type { SubjectParts } from './subjects.ts';

const OUTCOMES: readonly ApprovalOutcome[] = ['approved', 'rejected', 'expired'];

/**
 * Control messages over NATS: `events.<org>.chat.approval.settled.<approval_id>` (body
 * `{"t": thread_id, "st": status}`), `events.<org>.chat.agent.settings_changed.<agent_id>` and
 * `events.<org>.chat.agent.token_revoked.<token_id>`, `events.<org>.chat.agent.run_stopped.<run_id>` (no body), and
 * `events.<org>.chat.visitor.tokens_revoked.<visitor_id>` (body `{"h": token hash or null}`: a
 * hash is no credential, the token cannot be made from it). A notice reaches this process's listeners at once (the bus has no echo) and
 * the other processes' listeners through NATS. Nothing is kept: a process that was away
 * misses notices, which is why approvals also expire by their stored deadline.
 */
export class NatsControl implements ControlChannel {
  private readonly local: LocalControl;

  constructor(
    private readonly bus: NatsBus,
    private readonly log: FastifyBaseLogger,
  ) {
    this.local = new LocalControl((error) => log.error({ err: error }, 'control message listener failed'));
    bus.on('approval', (parts, msg) => this.receiveApproval(parts, msg));
    bus.on('agent', (parts) => this.receiveAgent(parts));
    bus.on('visitor', (parts, msg) => this.receiveVisitor(parts, msg));
  }

  visitorTokensRevoked(notice: VisitorTokensRevoked): void {
    this.local.visitorTokensRevoked(notice);
    this.send(
      () => this.bus.subjects.of('visitor', 'tokens_revoked', notice.visitorId),
      () => JSON.stringify({ h: notice.tokenHash }),
    );
  }

  onVisitorTokensRevoked(listener: (notice: VisitorTokensRevoked) => void): void {
    this.local.onVisitorTokensRevoked(listener);
  }

  approvalSettled(notice: ApprovalSettled): void {
    this.local.approvalSettled(notice);
    this.send(
      () => this.bus.subjects.of('approval', 'settled', notice.approvalId),
      () => JSON.stringify({ t: notice.threadId, st: notice.status }),
    );
  }

  onApprovalSettled(listener: (notice: ApprovalSettled) => void): void {
    this.local.onApprovalSettled(listener);
  }

  agentSettingsChanged(agentId: string): void {
    this.local.agentSettingsChanged(agentId);
    this.send(
      () => this.bus.subjects.of('agent', 'settings_changed', agentId),
      () => '',
    );
  }

  onAgentSettingsChanged(listener: (agentId: string) => void): void {
    this.local.onAgentSettingsChanged(listener);
  }

  agentTokenRevoked(tokenId: string): void {
    this.local.agentTokenRevoked(tokenId);
    this.send(
      () => this.bus.subjects.of('agent', 'token_revoked', tokenId),
      () => '',
    );
  }

  onAgentTokenRevoked(listener: (tokenId: string) => void): void {
    this.local.onAgentTokenRevoked(listener);
  }

  runStopped(runId: string): void {
    this.local.runStopped(runId);
    this.send(
      () => this.bus.subjects.of('agent', 'run_stopped', runId),
      () => '',
    );
  }

  onRunStopped(listener: (runId: string) => void): void {
    this.local.onRunStopped(listener);
  }

  private send(subject: () => string, payload: () => string): void {
    let name: string;
    try {
      name = subject();
    } catch (error) {
      // An id that is no subject token: only this process hears of it.
      this.log.error({ err: error }, 'control message not sent to the other processes');
      return;
    }
    this.bus.publish(name, payload());
  }

  private receiveApproval(parts: SubjectParts, msg: Msg): void {
    if (parts.event !== 'settled') return;
    const { t, st } = msg.json<{ t: unknown; st: unknown }>();
    if (typeof t !== 'string' || !OUTCOMES.includes(st as ApprovalOutcome)) return;
    this.local.approvalSettled({ approvalId: parts.id, threadId: t, status: st as ApprovalOutcome });
  }

  private receiveVisitor(parts: SubjectParts, msg: Msg): void {
    if (parts.event !== 'tokens_revoked') return;
    const { h } = msg.json<{ h: unknown }>();
    if (h !== null && typeof h !== 'string') return;
    this.local.visitorTokensRevoked({ visitorId: parts.id, tokenHash: h });
  }

  private receiveAgent(parts: SubjectParts): void {
    if (parts.event === 'settings_changed') this.local.agentSettingsChanged(parts.id);
    else if (parts.event === 'token_revoked') this.local.agentTokenRevoked(parts.id);
    else if (parts.event === 'run_stopped') this.local.runStopped(parts.id);
  }
}

import type { ClientFrame } from '../protocol/client-frames.ts';
import type { ConnMessage } from './conn-messages.ts';
import { MAX_RELAYED_SENDS, type RelayedSend, type TabRole, type TabRoleHost } from './tab-role.ts';

const NO_LEADER = { status: 'connecting', attempt: 1 } as const;

/**
 * A tab that is not the leader: its state mirrors the leader's, its frames are the leader's,
 * and what it sends goes to the leader, kept until acknowledged. When another tab starts to
 * lead, the unacknowledged sends go to it, and this tab's engine is told of an open (it then
 * catches up from its own applied seqs).
 */
export class FollowerRole implements TabRole {
  readonly kind = 'follower';
  private leaderId: string | null = null;
  private readonly pending = new Map<number, ClientFrame>();
  private nextId = 1;
  /** Set between adopting a leader and applying its first state. */
  private justAdopted = false;

  constructor(private readonly host: TabRoleHost) {
    host.setState(NO_LEADER);
    // Who leads? The leader answers with its state.
    host.post({ kind: 'hello' });
  }

  /** Relayed frames that fail validation are counted by the tab connection. */
  readonly invalidFrameCount = 0;

  onMessage(message: ConnMessage): void {
    const { host } = this;
    switch (message.kind) {
      case 'state':
        if (message.from !== this.leaderId) this.adopt(message.from);
        host.setState(message.state);
        // A new leader's first word may already be `open`: the engine must still hear of an open.
        if (message.state.status === 'open' && this.justAdopted) host.emitOpen(message.state.transport);
        this.justAdopted = false;
        return;
      case 'open':
        if (message.from === this.leaderId) host.emitOpen(message.transport);
        return;
      case 'frame':
        if (message.from === this.leaderId) host.emitFrame(message.frame);
        return;
      case 'ack':
        if (message.to === host.tabId && message.from === this.leaderId) this.pending.delete(message.id);
        return;
      case 'resign':
        if (message.from !== this.leaderId) return;
        this.leaderId = null;
        host.setState(NO_LEADER);
        return;
      case 'hello':
      case 'send':
      case 'retry':
      case 'resume':
        return;
    }
  }

  /** Another tab leads now: it gets the sends the last one did not acknowledge. */
  private adopt(leaderId: string): void {
    this.leaderId = leaderId;
    this.justAdopted = true;
    for (const [id, frame] of this.pending) this.host.post({ kind: 'send', to: leaderId, id, frame });
  }

  send(frame: ClientFrame): boolean {
    const leaderId = this.leaderId;
    if (frame.type === 'ping' || leaderId === null || this.host.getState().status !== 'open') return false;
    const id = this.nextId++;
    this.pending.set(id, frame);
    if (this.pending.size > MAX_RELAYED_SENDS) this.pending.delete(this.pending.keys().next().value!);
    this.host.post({ kind: 'send', to: leaderId, id, frame });
    return true;
  }

  /** What this tab follows and focuses reaches the leader in its heartbeat. */
  ownChanged(): void {}

  rosterChanged(): void {}

  retryNow(): void {
    if (this.leaderId) this.host.post({ kind: 'retry', to: this.leaderId });
  }

  resume(): void {
    if (this.leaderId) this.host.post({ kind: 'resume', to: this.leaderId });
  }

  cursorOf(threadId: string): number {
    return this.host.ownCursor(threadId);
  }

  /** The sends no leader acknowledged, for this tab to send itself when it becomes the leader. */
  takePending(): RelayedSend[] {
    const sends = [...this.pending].map(([id, frame]) => ({ id, frame }));
    this.pending.clear();
    return sends;
  }

  stop(): void {}
}

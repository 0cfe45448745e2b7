import type { ApprovalOutcome } from '../agents/agent.ts';

/** An approval left `pending`: every process learns it, so the run waiting on it (wherever it is) goes on. */
export interface ApprovalSettled {
  approvalId: string;
  threadId: string;
  status: ApprovalOutcome;
}

/**
 * Visitor tokens stopped working (a reset, or an identity binding that replaced them): open
 * public sockets opened with them close, on every process. `tokenHash` null: every token of the visitor.
 */
export interface VisitorTokensRevoked {
  visitorId: string;
  tokenHash: string | null;
}

/**
 * Control messages between the server processes: facts one process learned that the
 * others must act on, never frames for clients. Each notice reaches this process's own
 * listeners at once (synchronously) and, with several processes, every other process.
 */
export interface ControlChannel {
  /** An approval was settled (decided or expired) by this process. */
  approvalSettled(notice: ApprovalSettled): void;
  onApprovalSettled(listener: (notice: ApprovalSettled) => void): void;
  /** An owner changed an agent's settings: its open public sockets must be checked again. */
  agentSettingsChanged(agentId: string): void;
  onAgentSettingsChanged(listener: (agentId: string) => void): void;
  /** An owner revoked an external agent token: the SSE streams it opened, on every process, must end. */
  agentTokenRevoked(tokenId: string): void;
  onAgentTokenRevoked(listener: (tokenId: string) => void): void;
  /** A run was ended by another hand (a person took its thread over): the process running it stops it at once. */
  runStopped(runId: string): void;
  onRunStopped(listener: (runId: string) => void): void;
  /** Visitor tokens were revoked: the sockets opened with them must close. */
  visitorTokensRevoked(notice: VisitorTokensRevoked): void;
  onVisitorTokensRevoked(listener: (notice: VisitorTokensRevoked) => void): void;
}

/** Listeners of one kind of notice. A throwing listener does not keep the notice from the others. */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private readonly onError: (error: unknown) => void) {}

  add(listener: (value: T) => void): void {
    this.listeners.add(listener);
  }

  emit(value: T): void {
    for (const listener of this.listeners) {
      try {
        listener(value);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

/** One server process: notices go straight to this process's listeners. */
export class LocalControl implements ControlChannel {
  private readonly approvals: Listeners<ApprovalSettled>;
  private readonly settings: Listeners<string>;
  private readonly revokedAgentTokens: Listeners<string>;
  private readonly revokedVisitorTokens: Listeners<VisitorTokensRevoked>;
  private readonly stoppedRuns: Listeners<string>;

  constructor(onError: (error: unknown) => void) {
    this.approvals = new Listeners(onError);
    this.settings = new Listeners(onError);
    this.revokedAgentTokens = new Listeners(onError);
    this.revokedVisitorTokens = new Listeners(onError);
    this.stoppedRuns = new Listeners(onError);
  }

  runStopped(runId: string): void {
    this.stoppedRuns.emit(runId);
  }

  onRunStopped(listener: (runId: string) => void): void {
    this.stoppedRuns.add(listener);
  }

  visitorTokensRevoked(notice: VisitorTokensRevoked): void {
    this.revokedVisitorTokens.emit(notice);
  }

  onVisitorTokensRevoked(listener: (notice: VisitorTokensRevoked) => void): void {
    this.revokedVisitorTokens.add(listener);
  }

  approvalSettled(notice: ApprovalSettled): void {
    this.approvals.emit(notice);
  }

  onApprovalSettled(listener: (notice: ApprovalSettled) => void): void {
    this.approvals.add(listener);
  }

  agentSettingsChanged(agentId: string): void {
    this.settings.emit(agentId);
  }

  onAgentSettingsChanged(listener: (agentId: string) => void): void {
    this.settings.add(listener);
  }

  agentTokenRevoked(tokenId: string): void {
    this.revokedAgentTokens.emit(tokenId);
  }

  onAgentTokenRevoked(listener: (tokenId: string) => void): void {
    this.revokedAgentTokens.add(listener);
  }
}

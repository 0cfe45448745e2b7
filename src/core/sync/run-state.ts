import type { RunError } from '../protocol/model.ts';

/** Finished runs kept per thread for the UI; older ones are forgotten. */
export const MAX_RUNS_PER_THREAD = 20;

export type RunStatus = 'queued' | 'deciding' | 'running' | 'streaming' | 'committed' | 'failed';

export interface ToolCallView {
  id: string;
  name: string;
  preview: unknown;
  status: 'running' | 'done';
  ok: boolean | null;
  resultPreview: string | null;
}

export interface ApprovalView {
  id: string;
  toolName: string;
  preview: unknown;
  expiresAt: string | null;
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  decidedBy: string | null;
}

/** One agent run as the UI shows it (CONTRACT §6 runtime sequence), as `runs/run-reducer.ts` builds it. */
export interface RunView {
  runId: string;
  threadId: string;
  agentId: string | null;
  /** The message that started the run. */
  inReplyTo: string | null;
  status: RunStatus;
  /** The reply as streamed so far. */
  text: string;
  decisions: readonly string[];
  toolCalls: readonly ToolCallView[];
  approvals: readonly ApprovalView[];
  escalations: readonly { to: string; reason: string }[];
  error: RunError | null;
  replyMessageId: string | null;
  replySeq: number | null;
  /** Epoch ms, as this client saw each step. */
  timings: {
    queuedAt: number | null;
    startedAt: number | null;
    firstTokenAt: number | null;
    committedAt: number | null;
    finishedAt: number | null;
  };
  finished: boolean;
}

import type { Message, RunError } from '../../../src/core/protocol/model.ts';
import type { AgentRecord, ThreadRecord } from '../storage/storage.ts';

/** What an agent is asked to answer: one human message in a thread. */
export interface AgentTurn {
  agent: AgentRecord;
  thread: ThreadRecord;
  message: Message;
  /** The display name of the message's sender. */
  senderName: string;
}

/**
 * One step of a run. The runtime turns steps into the contract's events: `text` into
 * `text_delta`s, `tool` into `tool_call_started`/`completed`, `approval` into
 * `approval_pending` and its outcome, `escalate` into `escalation_created`, `fail` into
 * `intake_failed` + `run_failed`.
 */
export type AgentStep =
  /** `transient` text is streamed but left out of the committed reply (the demo agent's `/stream`). */
  | { type: 'text'; content: string; transient?: boolean }
  | { type: 'tool'; name: string; preview: unknown; execute: () => Promise<{ ok: boolean; resultPreview: string }> }
  | { type: 'approval'; toolName: string; preview: unknown }
  | { type: 'escalate'; to: string; reason: string }
  | { type: 'fail'; error: RunError };

/** The runtime's answer to an `approval` step, passed back into the generator. */
export type ApprovalOutcome = 'approved' | 'rejected' | 'expired';

/**
 * An agent: given a turn, yields the steps of its run. A generator so that the runtime can
 * pace the stream, stop a run on shutdown, and hand approval outcomes back in.
 */
export interface Agent {
  /** Short plan of what the agent will do, sent as `agent_decisions`. */
  decide(turn: AgentTurn): string[];
  run(turn: AgentTurn): AsyncGenerator<AgentStep, void, ApprovalOutcome | undefined>;
}

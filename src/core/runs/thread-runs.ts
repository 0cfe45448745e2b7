import { runStepOfEvent, type RuntimeStep } from '../protocol/runtime-steps.ts';
import type { LogEntry, MessageView } from '../sync/log-entry.ts';
import { MAX_RUNS_PER_THREAD, type RunView } from '../sync/run-state.ts';
import { emptyRun, reduceRun, runStateOf, type RunInput, type RunReply, type RunState } from './run-reducer.ts';

/** The reducer's input for a durable event of the log, or null when it is not a run's step. */
function eventInput(entry: LogEntry): { runId: string; input: RunInput } | null {
  if (entry.kind !== 'event') return null;
  const step = runStepOfEvent(entry.body);
  if (!step) return null;
  return { runId: step.runId, input: { kind: 'event', step: step.step, at: entry.createdAt ? Date.parse(entry.createdAt) : null } };
}

/**
 * Makes a run only the log tells about (see `log-runs.ts`), begun at its first event `first`
 * (one of `entries`); null: such runs are not made up, their events show as the log's own items.
 */
export type LogRunMaker = (threadId: string, entries: readonly LogEntry[], first: LogEntry, runId: string) => RunState | null;

/**
 * The reply the log holds for each run, in the order given: the message its
 * `reply_committed` named, or else its unclaimed answer (the first message from the run's
 * agent after the one that started it, that is no run's named reply: the run's
 * `reply_committed` was lost). Null for a failed run and for one the log holds no reply of.
 */
export function repliesOf(runs: readonly RunView[], entries: readonly LogEntry[]): (RunReply | null)[] {
  const messageById = new Map<string, MessageView>();
  const messages: MessageView[] = [];
  for (const entry of entries) {
    if (entry.kind !== 'message') continue;
    messageById.set(entry.id, entry);
    messages.push(entry);
  }
  const claimed = new Set<string>();
  for (const run of runs) if (run.replyMessageId) claimed.add(run.replyMessageId);
  const unclaimedAnswer = (run: RunView): MessageView | null => {
    const trigger = run.inReplyTo ? messageById.get(run.inReplyTo) : undefined;
    if (!trigger || !run.agentId) return null;
    for (const message of messages) {
      if (message.seq > trigger.seq && message.senderId === run.agentId && !claimed.has(message.id)) return message;
    }
    return null;
  };
  return runs.map((run) => {
    if (run.status === 'failed') return null;
    const found = (run.replyMessageId !== null ? messageById.get(run.replyMessageId) : undefined) ?? unclaimedAnswer(run);
    // One answer per message: a run waiting behind this one (which asked first) does not take it too.
    if (found) claimed.add(found.id);
    return found ? { messageId: found.id, seq: found.seq } : null;
  });
}

/**
 * The runs as the log alone settles them, from runs whose live frames were reduced
 * elsewhere: every run event of the log, then every reply, through {@link reduceRun}. A run
 * the live frames never told about is made by `fromLog` (the inbox's `logRun`), after them;
 * without it, its events show as the log's own items. The from-scratch twin of
 * {@link ThreadRuns} (the oracle of its tests, and what `buildTimeline` reads).
 */
export function runsFromLog(live: readonly RunView[], entries: readonly LogEntry[], fromLog: LogRunMaker | null = null): RunState[] {
  const byId = new Map(live.map((run) => [run.runId, runStateOf(run)]));
  // Every run and message of a log is of one thread.
  const threadId = live[0]?.threadId ?? entries.find((entry) => entry.kind === 'message')?.threadId ?? '';
  for (const entry of entries) {
    const event = eventInput(entry);
    const state = event && (byId.get(event.runId) ?? fromLog?.(threadId, entries, entry, event.runId));
    if (event && state) byId.set(event.runId, reduceRun(state, event.input));
  }
  const states = [...byId.values()];
  const replies = repliesOf(
    states.map((state) => state.steps),
    entries,
  );
  return states.map((state, index) => reduceRun(state, { kind: 'reply', reply: replies[index]! }));
}

/**
 * One thread's runs, kept reduced as their pieces arrive: each live frame and each new
 * entry of the log goes through {@link reduceRun} once, so reading the runs costs nothing.
 * Which message answers which run (see {@link repliesOf}) is worked out again when a
 * message or a run's step may change it, not for streamed text.
 */
export class ThreadRuns {
  /** In the order the runs started (as this tab learnt of them: a reload's from the log). */
  private readonly runs = new Map<string, RunState>();
  private cached: readonly RunState[] | null = null;
  /** Entries already folded in: each goes through the reducer once. */
  private readonly folded = new WeakSet<LogEntry>();
  private foldedCount = 0;

  /** `fromLog`: makes the runs only the log tells about (a reload's); none without it. */
  constructor(
    private readonly threadId: string,
    private readonly fromLog: LogRunMaker | null = null,
  ) {}

  /** The runs, in the order they started; the same array until one changed. */
  get all(): readonly RunState[] {
    return (this.cached ??= [...this.runs.values()]);
  }

  /**
   * A live runtime step; one with no run id belongs to the thread's current run. A run
   * seen for the first time takes what the log already holds for it. False when nothing
   * changed.
   */
  applyFrame({ runId, agentId, inReplyTo, step }: RuntimeStep, at: number, entries: readonly LogEntry[]): boolean {
    const id = runId ?? this.currentRunId() ?? `live|${this.runs.size + 1}`;
    const existing = this.runs.get(id);
    const origin = { agentId, inReplyTo: inReplyTo ?? (existing ? null : lastMessageNotFrom(entries, agentId)) };
    let next = reduceRun(existing ?? emptyRun(this.threadId, id), { kind: 'frame', step, origin, at });
    if (next === existing) return false;
    if (!existing) next = foldRunEvents(next, entries);
    this.runs.set(id, next);
    if (this.runs.size > MAX_RUNS_PER_THREAD) {
      const oldestFinished = [...this.runs.values()].find((run) => run.steps.finished);
      if (oldestFinished) this.runs.delete(oldestFinished.steps.runId);
    }
    // Streamed text changes no run's reply: the stream's frames skip the matching.
    if (!existing || step.type !== 'text') this.matchReplies(entries);
    this.cached = null;
    return true;
  }

  /** The log changed: its new entries are folded in (and a run only they tell about, see the constructor). False when no run changed. */
  applyLog(entries: readonly LogEntry[]): boolean {
    const fresh = entries.filter((entry) => !this.folded.has(entry));
    // Entries left (a reload, a trim): a reply may have gone with them. A new message may be one.
    let rematch = entries.length < this.foldedCount + fresh.length || fresh.some((entry) => entry.kind === 'message');
    this.foldedCount = entries.length;
    let changed = false;
    for (const entry of fresh) {
      this.folded.add(entry);
      const event = eventInput(entry);
      const state = event && (this.runs.get(event.runId) ?? this.fromLog?.(this.threadId, entries, entry, event.runId));
      if (!event || !state) continue;
      const next = reduceRun(state, event.input);
      if (next === this.runs.get(event.runId)) continue;
      this.runs.set(event.runId, next);
      changed = rematch = true;
    }
    if (rematch && this.runs.size > 0) changed = this.matchReplies(entries) || changed;
    if (changed) this.cached = null;
    return changed;
  }

  private matchReplies(entries: readonly LogEntry[]): boolean {
    const states = [...this.runs.values()];
    const replies = repliesOf(
      states.map((state) => state.steps),
      entries,
    );
    let changed = false;
    for (const [index, state] of states.entries()) {
      const next = reduceRun(state, { kind: 'reply', reply: replies[index]! });
      if (next === state) continue;
      this.runs.set(state.steps.runId, next);
      changed = true;
    }
    if (changed) this.cached = null;
    return changed;
  }

  /** The newest run still going: where a step that names no run (seed 002's `text_delta`) belongs. */
  private currentRunId(): string | null {
    const runs = [...this.runs.values()];
    for (let index = runs.length - 1; index >= 0; index--) if (!runs[index]!.steps.finished) return runs[index]!.steps.runId;
    return null;
  }
}

/** The log's steps for a run it did not know when they arrived. */
function foldRunEvents(state: RunState, entries: readonly LogEntry[]): RunState {
  let next = state;
  for (const entry of entries) {
    const event = eventInput(entry);
    if (event?.runId === state.steps.runId) next = reduceRun(next, event.input);
  }
  return next;
}

/** A run that does not say what it answers (seed 002) answers the newest message from someone else. */
export function lastMessageNotFrom(entries: readonly LogEntry[], agentId: string | null): string | null {
  for (let index = entries.length - 1; index >= 0; index--) {
    const entry = entries[index]!;
    if (entry.kind === 'message' && entry.senderId !== agentId) return entry.id;
  }
  return null;
}

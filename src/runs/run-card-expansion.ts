import { create } from 'zustand';
import type { RunView } from '../core/sync/run-state.ts';
import { isSettled } from './run-format.ts';

/** Choices remembered per run; the oldest are forgotten beyond this (runs are bounded per thread too). */
export const MAX_REMEMBERED_RUNS = 500;

interface RunExpansionState {
  /** runId → what the user chose, or what the card opened to for a new approval. */
  choices: ReadonlyMap<string, boolean>;
  setExpanded(runId: string, expanded: boolean): void;
}

/**
 * Whether each run card is open, outside the card: the virtualized list unmounts rows that
 * scroll away (or mounts a row first when it scrolls in), and a card must come back as the
 * user left it, not as its mount happened to find the run.
 */
export const useRunExpansion = create<RunExpansionState>()((set) => ({
  choices: new Map(),
  setExpanded: (runId, expanded) =>
    set((state) => {
      if (state.choices.get(runId) === expanded) return state;
      const choices = new Map(state.choices);
      choices.delete(runId);
      choices.set(runId, expanded);
      while (choices.size > MAX_REMEMBERED_RUNS) choices.delete(choices.keys().next().value!);
      return { choices };
    }),
}));

/**
 * How a card opens when nobody chose: open while the run is under way, waits on someone or
 * failed, and open after it finished if this client saw it begin (it stays as it was while
 * it ran, so the reply below does not jump). A run met only at its end shows its summary line.
 */
export function expandedByDefault(run: RunView): boolean {
  if (!isSettled(run) || run.status === 'failed') return true;
  if (run.approvals.some((approval) => approval.status === 'pending')) return true;
  return run.timings.queuedAt !== null || run.timings.startedAt !== null;
}

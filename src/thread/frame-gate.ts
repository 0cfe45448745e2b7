import { createContext, useContext } from 'react';
import { frameBatch, type FrameBatch } from '../ui/frame-batch.ts';

/**
 * Frames the gate stays held after the streaming reply is handed over, so the scroll and
 * measurements that follow the hand-over share frames with it rather than adding commits.
 */
const LINGER_FRAMES = 3;

/**
 * Decides when an update of the thread view may render. Normally at once (a message from
 * someone else paints in the frame it arrives in). While a reply streams the gate is held:
 * (and while an agent run is under way) every update (the thread's snapshot, the
 * virtualizer's scroll and size changes, the run clocks) waits for the page's frame batch and renders there, together with the streamed
 * text, so the view makes at most one DOM commit per frame. Either way it paints in the same
 * frame: the batch runs before that frame's layout and paint.
 */
export class FrameGate {
  private holding = false;
  private linger = 0;

  /**
   * @param busy Also held while this says so, asked at each update (the thread view: while an
   *   agent run is under way, so that its first steps, which come in quick succession before
   *   any text, share frames too).
   */
  constructor(
    private readonly busy: () => boolean = () => false,
    private readonly batch: FrameBatch = frameBatch,
  ) {}

  /** Runs `job` now, or in the next frame's batch while the gate is held. */
  readonly run = (job: () => void): void => {
    if (this.held && !this.batch.running) this.batch.schedule(job);
    else job();
  };

  /** Held while a reply streams; released, it stays held a few frames more. */
  hold(on: boolean): void {
    if (on) {
      this.holding = true;
      this.linger = 0;
    } else if (this.holding) {
      this.holding = false;
      this.linger = LINGER_FRAMES;
      this.batch.schedule(this.countDown);
    }
  }

  get held(): boolean {
    return this.holding || this.linger > 0 || this.busy();
  }

  private readonly countDown = () => {
    if (this.holding || this.linger <= 0) return;
    if (--this.linger > 0) this.batch.schedule(this.countDown);
  };
}

/** The open thread's gate, for rows with a clock of their own (run cards, approvals). */
export const FrameGateContext = createContext<FrameGate | null>(null);

/** The gate's `run`, or undefined outside a thread view (updates then render at once). */
export function useFrameGateRun(): ((job: () => void) => void) | undefined {
  return useContext(FrameGateContext)?.run;
}

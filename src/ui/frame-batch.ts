import { flushSync } from 'react-dom';

/** Without a document (no animation frames at all) the batch runs on a timer this often instead. */
const NO_FRAME_MS = 16;

type Job = () => void;

/**
 * One callback per animation frame for the view updates that can wait for it (the engine's
 * per-frame notifications, the run cards' clocks, the thread view while a reply streams).
 * Everything queued for a frame runs in that one callback inside one `flushSync`, so React
 * renders it all as one commit: one DOM change per frame however many sources changed.
 *
 * While the page is hidden nothing is painted, so nothing is rendered either: the jobs wait
 * (each once) and run in one batch when the page is shown again, rendering the latest state
 * once. The state itself (the engine, the query cache) keeps changing meanwhile.
 */
export interface FrameBatch {
  /** Runs `job` in the next frame's batch (once, however often it is queued before then). */
  schedule(job: Job): void;
  /** True while a batch runs: what is rendered now lands in this frame's one commit. */
  readonly running: boolean;
}

export function createFrameBatch(): FrameBatch {
  let queue = new Set<Job>();
  let running = false;
  let frame = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hasDocument = typeof document !== 'undefined' && typeof requestAnimationFrame === 'function';
  const hidden = () => hasDocument && document.visibilityState === 'hidden';

  const run = () => {
    if (frame) cancelAnimationFrame(frame);
    clearTimeout(timer);
    frame = 0;
    timer = undefined;
    const jobs = queue;
    queue = new Set();
    running = true;
    try {
      // One synchronous render for every update made by the jobs (they may come from React
      // state, external stores or the virtualizer alike).
      flushSync(() => {
        for (const job of jobs) job();
      });
    } finally {
      running = false;
    }
  };

  if (hasDocument) {
    // Shown again: what waited renders now, in one batch (no frame was asked for while hidden).
    document.addEventListener('visibilitychange', () => {
      if (!hidden() && queue.size > 0 && !frame) run();
    });
  }

  return {
    get running() {
      return running;
    },
    schedule(job) {
      queue.add(job);
      if (frame || timer !== undefined) return;
      if (!hasDocument) timer = setTimeout(run, NO_FRAME_MS);
      else if (!hidden()) frame = requestAnimationFrame(run);
      // Hidden: the job waits for the page to be shown.
    },
  };
}

/** The page's one frame batch. */
export const frameBatch = createFrameBatch();

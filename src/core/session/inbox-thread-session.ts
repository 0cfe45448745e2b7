import { logRun } from '../runs/log-runs.ts';
import { ThreadRuns } from '../runs/thread-runs.ts';
import { WINDOW_SIZE, type ThreadLogOptions } from '../sync/thread-log.ts';
import { WindowedThreadLog } from '../sync/windowed-thread-log.ts';
import { ThreadSession } from './thread-session.ts';

/**
 * The inbox's thread session: a {@link ThreadSession} whose log can open around a message (a
 * search result) and read on from there both ways (see `WindowedThreadLog`), and whose runs
 * include those only the log tells about (a failed run after a reload has its card and Retry).
 */
export class InboxThreadSession extends ThreadSession {
  protected override newRuns(): ThreadRuns {
    return new ThreadRuns(this.threadId, logRun);
  }

  protected override newLog(options: ThreadLogOptions): WindowedThreadLog {
    return new WindowedThreadLog(this.threadId, options);
  }

  /**
   * Off screen: trimmed to its latest window so memory stays bounded. (Here, not in
   * ThreadSession: only the inbox changes threads on screen, and the widget ships no code it never runs.)
   */
  trim(): void {
    this.log?.trim(WINDOW_SIZE);
  }

  private get windowed(): WindowedThreadLog {
    return this.logOf() as WindowedThreadLog;
  }

  /** Where a live stream of the thread resumes (see `WindowedThreadLog.resumeSeq`). */
  get resumeSeq(): number {
    return this.log ? this.windowed.resumeSeq : 0;
  }

  /** The window does not reach the live end (it was opened around an older message). */
  get hasNewer(): boolean {
    return this.log?.detached ?? false;
  }

  /** The window holds the event at `seq`. */
  holds(seq: number): boolean {
    return this.log !== null && this.log.isOpen && this.log.entryAt(seq) !== undefined;
  }

  /** Shows the message at `seq`: nothing to read when the window holds it, else the window around it, in one request. */
  openAt(seq: number): Promise<void> {
    return this.holds(seq) ? Promise.resolve() : this.windowed.openAround(seq);
  }

  loadNewer(): Promise<void> {
    return this.log ? this.windowed.loadNewer() : Promise.resolve();
  }

  /** Back to the newest events, live. */
  jumpToLatest(): Promise<void> {
    return this.windowed.jumpToLatest();
  }
}

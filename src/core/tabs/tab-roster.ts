import * as v from 'valibot';

/**
 * Every tab posts its beat this often (and at once when its state changes): the one heartbeat
 * of the user's tabs. It proves the tab alive and carries what it shows and follows.
 */
export const HEARTBEAT_MS = 500;
/**
 * A tab not heard from for this long (three beats) is gone: closed, crashed or frozen. The one
 * timeout every topic uses: its focus and follows end, and a leader this silent is replaced.
 */
export const TAB_TIMEOUT_MS = 3 * HEARTBEAT_MS;

/** What one tab tells the others about what the user sees in it. */
export interface TabState {
  tabId: string;
  /** The page is visible (`document.visibilityState`). */
  visible: boolean;
  /** The page is visible and has the keyboard focus (`document.hasFocus()`). */
  focused: boolean;
  /** The thread on screen, or null. */
  threadId: string | null;
}

/** One tab's beat: its state, whether it leads, and what its engine follows and focuses. */
export interface TabBeat extends TabState {
  leader: boolean;
  /** The threads the tab's engine follows. */
  follow: readonly string[];
  /** The threads the tab's engine has told the connection it focuses (presence). */
  focus: readonly string[];
  /** The tab's applied seq per followed thread (same order as `follow`). */
  cursors: readonly number[];
}

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const threadIds = v.pipe(v.array(id), v.maxLength(10_000));

/** The body of a beat, as checked at the hub's boundary (`focused` implies `visible`). */
export const tabBeatSchema = v.pipe(
  v.object({
    tabId: id,
    visible: v.boolean(),
    focused: v.boolean(),
    threadId: v.nullable(id),
    leader: v.boolean(),
    follow: threadIds,
    focus: threadIds,
    cursors: v.pipe(v.array(v.pipe(v.number(), v.integer(), v.minValue(0))), v.maxLength(10_000)),
  }),
  v.transform((beat): TabBeat => ({ ...beat, focused: beat.focused && beat.visible })),
);

const sameList = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((item, index) => item === b[index]);

/** Whether two beats say the same (the time they were heard aside). */
export function sameBeat(a: TabBeat, b: TabBeat): boolean {
  return (
    a.visible === b.visible &&
    a.focused === b.focused &&
    a.threadId === b.threadId &&
    a.leader === b.leader &&
    sameList(a.follow, b.follow) &&
    sameList(a.focus, b.focus) &&
    sameList(a.cursors, b.cursors)
  );
}

/**
 * The one list of the other live tabs: each tab's last beat and when it was heard. An entry
 * not refreshed within {@link TAB_TIMEOUT_MS} expires; a tab that says it is gone is removed at once.
 */
export class TabRoster {
  private readonly tabs = new Map<string, { beat: TabBeat; heardAt: number }>();

  /** Records a beat; says whether the tab is new, changed or the same as before. */
  heard(beat: TabBeat, now: number): 'joined' | 'changed' | 'same' {
    const before = this.tabs.get(beat.tabId)?.beat;
    this.tabs.set(beat.tabId, { beat, heardAt: now });
    if (!before) return 'joined';
    return sameBeat(before, beat) ? 'same' : 'changed';
  }

  /** A live tab's last beat. */
  get(tabId: string): TabBeat | undefined {
    return this.tabs.get(tabId)?.beat;
  }

  remove(tabId: string): boolean {
    return this.tabs.delete(tabId);
  }

  /** Drops the tabs silent for longer than {@link TAB_TIMEOUT_MS}; true when any was dropped. */
  expire(now: number): boolean {
    let removed = false;
    for (const [tabId, entry] of this.tabs) {
      if (entry.heardAt < now - TAB_TIMEOUT_MS) {
        this.tabs.delete(tabId);
        removed = true;
      }
    }
    return removed;
  }

  beats(): TabBeat[] {
    return [...this.tabs.values()].map((entry) => entry.beat);
  }

  clear(): void {
    this.tabs.clear();
  }
}

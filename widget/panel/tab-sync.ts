/**
 * The visitor's tabs on one site agree on the unread badge and on closing the panel. They
 * share `localStorage` (the host page's origin), so the `storage` event, which the browser
 * fires in every other tab of the origin when a key changes, carries both:
 * - the visitor record (visitor-store.ts, one key per server and agent), which the panel
 *   already writes whenever the read position or the unread count changes;
 * - a "closed" signal under `<record key>:closed`: set and at once removed (nothing stays
 *   behind), so each close is a change the other tabs hear.
 * No BroadcastChannel: the record is written anyway, and the signal costs two calls.
 *
 * What is mirrored (README "Several tabs"): the read position and the unread count, and
 * closing. Opening is not: a background tab does not open its panel over the page the
 * visitor left it on (on a phone the panel covers the whole page); its badge clears instead,
 * because opening marks the messages read.
 */
import { parseVisitor, type VisitorRecord } from '../shared/visitor-store.ts';
import type { StorageChange } from './panel-deps.ts';

/** What another tab did, as far as this one cares; `forgotten`: the record was removed (`AMA2Chat.reset()`, or storage cleared). */
export type TabChange = { kind: 'record'; record: VisitorRecord } | { kind: 'closed' } | { kind: 'forgotten' };

/** The key of the "closed" signal for the record under `key`. */
export const closedKeyOf = (key: string): string => `${key}:closed`;

/** The value the "closed" signal is set to, for the instant before it is removed. */
const CLOSED = '1';

/**
 * Reads a storage change of another tab: its new visitor record (checked like any stored
 * one; removed or damaged ones are ignored) or a close; null for anything else.
 */
export function readTabChange(key: string, change: StorageChange): TabChange | null {
  if (change.key === closedKeyOf(key)) return change.newValue === CLOSED ? { kind: 'closed' } : null;
  if (change.key === null || (change.key === key && change.newValue === null)) return { kind: 'forgotten' };
  if (change.key !== key || change.newValue === null) return null;
  try {
    const record = parseVisitor(JSON.parse(change.newValue));
    return record ? { kind: 'record', record } : null;
  } catch {
    return null;
  }
}

/** Tells the visitor's other tabs that the panel was closed here. */
export function announceClosed(storage: Storage | null, key: string): void {
  try {
    storage?.setItem(closedKeyOf(key), CLOSED);
    storage?.removeItem(closedKeyOf(key));
  } catch {
    // Storage blocked or full: the other tabs keep their panels as they are.
  }
}

/**
 * How this tab's record takes in another tab's, for the same conversation: the read position
 * only moves forward; the unread count is the other tab's (it counted last) unless it was
 * counted from an older read position than this tab's (it is out of date), or the panel is
 * open here (then nothing is unread). When the other tab's visitor became verified, its new
 * token (and the identity's labels) replace this tab's: the server revoked the old token. An
 * email offered on leaving in either tab counts as offered (once per conversation). Null
 * when the record is about another conversation (or none), which this does not merge.
 */
export function mergeFromOtherTab(mine: VisitorRecord, theirs: VisitorRecord, openHere: boolean): VisitorRecord | null {
  if (mine.threadId === null || theirs.threadId !== mine.threadId) return null;
  let unread = theirs.appliedSeq >= mine.appliedSeq ? theirs.unread : mine.unread;
  if (openHere) unread = 0;
  // (Only this way: a tab that has not heard yet may still write its old token.)
  const who = theirs.verified && !mine.verified ? theirs : mine;
  const { visitorToken, verified, email, name } = who;
  const leaveAsked = mine.leaveAsked ?? theirs.leaveAsked;
  return { ...mine, visitorToken, verified, email, name, appliedSeq: Math.max(mine.appliedSeq, theirs.appliedSeq), unread, leaveAsked };
}

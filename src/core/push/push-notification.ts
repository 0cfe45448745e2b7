import * as v from 'valibot';
import type { PushPayload } from '../protocol/notifications.ts';
import { pushPayloadSchema } from './push-payload.ts';

/**
 * What the service worker decides about pushed notifications (CONTRACT §12), as pure
 * functions: whether to show one, what it says, what a click on it does, and the words of a
 * decision's outcome. The worker (src/service-worker/sw.ts) only does the I/O.
 */

/** The words of a pushed notification, in the user's language (`src/i18n/catalog-push-en.ts`, `-de.ts`). */
export interface PushWords {
  open: string;
  approve: string;
  reject: string;
  approved: string;
  rejected: string;
  alreadyDecided: string;
  expired: string;
  failed: string;
}

/** The languages the worker speaks (the inbox's). */
export type PushLanguage = 'en' | 'de';

/** The `action` of each notification button (`NotificationEvent.action`; `''` is the body). */
export const PUSH_ACTIONS = { open: 'open', approve: 'approve', reject: 'reject' } as const;
export type PushDecision = 'approve' | 'reject';

/** What a notification carries in `data`: the payload (for a click), and whether it is a decision's outcome. */
export interface PushNotificationData {
  payload: PushPayload;
  outcome?: DecisionOutcome;
}

/** `showNotification`'s arguments. `actions` is typed here: not every TypeScript DOM lib has it. */
export interface NotificationToShow {
  title: string;
  options: {
    body: string;
    /** The notification id: one OS notification per notification, a repeat replaces it (CONTRACT §12). */
    tag: string;
    /**
     * A `message` notification is updated in place as messages arrive (same id, newer seq): its
     * update replaces the one shown (same tag) and alerts again, rather than silently.
     */
    renotify: boolean;
    lang: PushLanguage;
    data: PushNotificationData;
    actions: { action: string; title: string }[];
  };
}

/** Buttons a browser shows on one notification when it does not say (`Notification.maxActions`; Chromium's is 2). */
export const DEFAULT_MAX_ACTIONS = 2;

/**
 * The notification of a pushed payload: Approve and Reject for an approval that carries its
 * token, then Open; as many as the browser shows (`maxActions`), most important first. A click
 * on the notification itself opens the thread too, so Open is the one a short list drops.
 */
export function pushNotification(
  payload: PushPayload,
  words: PushWords,
  lang: PushLanguage,
  maxActions = DEFAULT_MAX_ACTIONS,
): NotificationToShow {
  const actions: { action: string; title: string }[] = [];
  if (payload.kind === 'approval_pending' && payload.actions) {
    actions.push({ action: PUSH_ACTIONS.approve, title: words.approve }, { action: PUSH_ACTIONS.reject, title: words.reject });
  }
  actions.push({ action: PUSH_ACTIONS.open, title: words.open });
  return {
    title: payload.title,
    options: {
      body: payload.body,
      tag: payload.notification_id,
      renotify: payload.kind === 'message',
      lang,
      data: { payload },
      actions: actions.slice(0, Math.max(0, maxActions)),
    },
  };
}

/** How a decision made from a notification ended. */
export type DecisionOutcome = 'approved' | 'rejected' | 'already_decided' | 'expired' | 'failed';

/** `POST /approvals/decide`'s answer (`null`: no answer, the network failed) as an outcome. */
export function decisionOutcome(decision: PushDecision, status: number | null): DecisionOutcome {
  if (status !== null && status >= 200 && status < 300) return decision === 'approve' ? 'approved' : 'rejected';
  if (status === 409) return 'already_decided';
  if (status === 410) return 'expired';
  return 'failed';
}

const OUTCOME_WORDS: Record<DecisionOutcome, keyof PushWords> = {
  approved: 'approved',
  rejected: 'rejected',
  already_decided: 'alreadyDecided',
  expired: 'expired',
  failed: 'failed',
};

/**
 * The notification that replaces an approval's once it was decided from it (same tag): the
 * outcome in words, and only Open (the token is gone from its data: a second decision is the
 * original's to try, and the server answers it `409`).
 */
export function outcomeNotification(
  payload: PushPayload,
  outcome: DecisionOutcome,
  words: PushWords,
  lang: PushLanguage,
): NotificationToShow {
  const { actions: _spent, ...rest } = payload;
  return {
    title: payload.title,
    options: {
      body: words[OUTCOME_WORDS[outcome]],
      tag: payload.notification_id,
      // The outcome of the user's own click: it replaces the notification quietly.
      renotify: false,
      lang,
      data: { payload: rest, outcome },
      actions: [{ action: PUSH_ACTIONS.open, title: words.open }],
    },
  };
}

/** A window the worker can see (`Clients.matchAll`): its URL and whether it is on screen. */
export interface WindowSnapshot {
  url: string;
  visibilityState: DocumentVisibilityState | string;
}

/** Whether `url` is the inbox page of the worker's scope (`/`, any hash), not another page of the origin (the widget demo). */
export function isInboxUrl(url: string, scope: string): boolean {
  if (!URL.canParse(url) || !URL.canParse(scope)) return false;
  const page = new URL(url);
  const root = new URL(scope);
  return page.origin === root.origin && (page.pathname === root.pathname || page.pathname === `${root.pathname}index.html`);
}

/**
 * Whether the worker shows a pushed notification: not while an inbox tab is visible (that tab
 * tells the user itself, once, CONTRACT §12), and not for one already decided or opened here.
 */
export function shouldShowPush(payload: PushPayload, windows: readonly WindowSnapshot[], scope: string, done: readonly string[]): boolean {
  if (isDone(payload, done)) return false;
  return !windows.some((window) => window.visibilityState === 'visible' && isInboxUrl(window.url, scope));
}

/** The inbox address that opens `threadId` (the inbox routes by hash). */
export function threadUrl(scope: string, threadId: string): string {
  return `${new URL(scope).href.replace(/#.*$/, '')}#/thread/${encodeURIComponent(threadId)}`;
}

const dataSchema = v.object({ payload: pushPayloadSchema });

/** What a click on a notification does. */
export type ClickPlan =
  { type: 'open'; payload: PushPayload } | { type: 'decide'; decision: PushDecision; actionToken: string; payload: PushPayload };

/**
 * The click on `action` (`''`: the notification's body) of a notification with `data`: Approve
 * or Reject decide with the token when the notification carries one, anything else opens the
 * thread. `null` when the data is not one of ours (another version's, or none).
 */
export function clickPlan(action: string, data: unknown): ClickPlan | null {
  const parsed = v.safeParse(dataSchema, data);
  if (!parsed.success) return null;
  const payload = parsed.output.payload as PushPayload;
  const token = payload.kind === 'approval_pending' ? payload.actions?.action_token : undefined;
  if ((action === PUSH_ACTIONS.approve || action === PUSH_ACTIONS.reject) && token) {
    return { type: 'decide', decision: action, actionToken: token, payload };
  }
  return { type: 'open', payload };
}

/** Notifications the worker remembers as decided or opened here (a repeated push of one shows nothing). */
export const DONE_IDS_KEPT = 200;

/**
 * What the worker remembers of a notification decided or opened here: its id and the seq it
 * showed, `<id>#<seq>`. A `message` notification is updated in place (same id, a newer seq) as
 * messages arrive: that update is news and is shown; a repeat of what was opened is not. A bare
 * id (remembered by an earlier version) stands for every seq.
 */
export const doneEntry = (payload: Pick<PushPayload, 'notification_id' | 'thread_seq'>) =>
  `${payload.notification_id}#${payload.thread_seq}`;

const idOfEntry = (entry: string) => (entry.includes('#') ? entry.slice(0, entry.lastIndexOf('#')) : entry);

/** Whether the payload is one decided or opened here, at its seq or a later one. */
export function isDone(payload: Pick<PushPayload, 'notification_id' | 'thread_seq'>, done: readonly string[]): boolean {
  return done.some((entry) => {
    if (idOfEntry(entry) !== payload.notification_id) return false;
    const at = entry.lastIndexOf('#');
    return at === -1 || Number(entry.slice(at + 1)) >= payload.thread_seq;
  });
}

/** `done` with `entry` (see {@link doneEntry}) added last, replacing its id's earlier one, the oldest dropped beyond {@link DONE_IDS_KEPT}. */
export function rememberDone(done: readonly string[], entry: string): string[] {
  const id = idOfEntry(entry);
  return [...done.filter((item) => idOfEntry(item) !== id), entry].slice(-DONE_IDS_KEPT);
}

/** The worker's language: the one the inbox told it, else the browser's first it speaks, else English. */
export function pushLanguage(told: unknown, browserLanguages: readonly string[]): PushLanguage {
  if (told === 'en' || told === 'de') return told;
  for (const tag of browserLanguages) {
    const base = tag.trim().toLowerCase().split(/[-_]/)[0];
    if (base === 'en' || base === 'de') return base;
  }
  return 'en';
}

/** Messages between the inbox and its worker (`postMessage`); anything else is ignored on both sides. */
export const toWorkerMessageSchema = v.object({ type: v.literal('ama2.language'), language: v.picklist(['en', 'de']) });
export type ToWorkerMessage = v.InferOutput<typeof toWorkerMessageSchema>;
export const toPageMessageSchema = v.object({
  type: v.literal('ama2.open-thread'),
  thread_id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
});
export type ToPageMessage = v.InferOutput<typeof toPageMessageSchema>;

/**
 * A follow-up email's link (CONTRACT §12 "Visitors who left"): the page opens with
 * `#ama2_resume=<token>`, the loader opens the panel, and the panel loads this chunk only
 * then (visitor-session.ts `start`), so what every visitor downloads carries a one-line check
 * and nothing more (e2e/bench/bundle-sizes.ts counts this chunk apart).
 *
 * The token is taken off the address bar before anything is sent (a reload, a bookmark or a
 * shared address never spends it again) and kept only in this function's memory: it is
 * sent once, in a POST body, and never logged or reported. Spent, the answer is stored as a
 * resolve's would be: this browser is that visitor now, in that conversation.
 */
import { ApiError } from '../../src/core/api/api-error.ts';
import { apiBaseUrl, createHttpClient } from '../../src/core/api/http-client.ts';
import { VISITOR_TOKEN_PATTERN, type VisitorRecord } from '../shared/visitor-store.ts';
import { languageOf } from './i18n.ts';
import { RESUME_WORDS, type ResumeFailure } from './resume-words.ts';
import type { VisitorSession } from './visitor-session.ts';

/** The fragment's key, as the follow-up email writes the link (server/src/notifications/visitor-follow-up.ts). */
const FRAGMENT_KEY = 'ama2_resume';
/** A resume token's shape (`vrt_` + base64url of 32 random bytes, server/src/auth/resume-tokens.ts), with room to grow. */
const RESUME_TOKEN_PATTERN = /^vrt_[A-Za-z0-9_-]{20,200}$/;
const THREAD_ID_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;
const SENDER_ID_PATTERN = /^visitor:\S{1,200}$/;

/** What the page needs for the link: where it is, and how to change it without a new history entry. */
export interface LinkPage {
  href: string;
  replaceUrl(url: string): void;
}

const browserPage = (): LinkPage => ({
  href: location.href,
  // The page's own history state is kept (a single-page app's router keeps its place).
  replaceUrl: (url) => history.replaceState(history.state, '', url),
});

/**
 * Takes `ama2_resume=…` out of the address's fragment, keeping the rest of the address (and
 * any other part of the fragment, `&`-separated); returns the token ('' when the key is there
 * without a value), or null when the address has none.
 */
export function takeResumeToken(page: LinkPage): string | null {
  const url = new URL(page.href);
  const parts = url.hash.slice(1).split('&');
  const index = parts.findIndex((part) => part === FRAGMENT_KEY || part.startsWith(`${FRAGMENT_KEY}=`));
  if (index < 0) return null;
  const [part] = parts.splice(index, 1);
  url.hash = parts.join('&');
  // (An empty fragment leaves a bare `#` in the href: the address is written without it.)
  page.replaceUrl(parts.length ? url.href : url.href.replace(/#$/, ''));
  let token = part!.slice(FRAGMENT_KEY.length + 1);
  try {
    token = decodeURIComponent(token);
  } catch {
    // Not percent-encoding: checked as it is (and refused).
  }
  return token;
}

/**
 * The resume answer (CONTRACT §12), checked: a boundary like any other. By hand, to the shape of
 * rest-shapes.ts `resumedVisitor` (the server's answer schema): a valibot schema of it would sit
 * in rest-schemas.ts, in the panel every visitor loads (+44 B gzip), for a call only this chunk makes.
 */
interface ResumedVisitor {
  thread_id: string;
  sender_id: string;
  visitor_token: string;
  verified: boolean;
}

function parseResumed(json: unknown): ResumedVisitor {
  const answer = (json ?? {}) as Partial<Record<keyof ResumedVisitor, unknown>>;
  const text = (value: unknown, pattern: RegExp) => typeof value === 'string' && pattern.test(value);
  if (
    !text(answer.thread_id, THREAD_ID_PATTERN) ||
    !text(answer.sender_id, SENDER_ID_PATTERN) ||
    !text(answer.visitor_token, VISITOR_TOKEN_PATTERN) ||
    typeof answer.verified !== 'boolean'
  )
    throw new Error('The resume answer is not {thread_id, sender_id, visitor_token, verified}.');
  return answer as ResumedVisitor;
}

/** Why the link did not open its conversation, from the server's answer (or none). */
export function failureOf(error: unknown): ResumeFailure {
  if (!ApiError.is(error)) return 'unavailable';
  if (error.status === 409) return 'used';
  if (error.status === 410) return 'expired';
  if (error.status === 404 || error.code === 'not_found') return 'unknown';
  return 'unavailable';
}

/** What spending the link came to: the record to store (its conversation), or why not, in words. */
export type LinkOutcome = { record: VisitorRecord } | { failure: ResumeFailure; words: string };

/**
 * Spends the page's resume link, if it has one: the fragment goes first, then the token is
 * sent once. The record is `before` as a resolve of another conversation would leave it
 * (visitor-conversation.ts, resolve-outcome.ts): that thread, the new visitor token, who the
 * visitor is; the email label stays only when it is the same visitor (another's would make
 * the socket refuse the thread). Null: no link on the page.
 */
export async function spendResumeLink(
  serverUrl: string,
  slug: string,
  locale: string,
  before: VisitorRecord,
  page: LinkPage = browserPage(),
  fetchImpl?: typeof fetch,
): Promise<LinkOutcome | null> {
  const token = takeResumeToken(page);
  if (token === null) return null;
  const failed = (failure: ResumeFailure): LinkOutcome => ({ failure, words: RESUME_WORDS[languageOf(locale)]![failure] });
  // A link cut short in the email program: nothing to send.
  if (!RESUME_TOKEN_PATTERN.test(token)) return failed('unknown');
  try {
    const answer = await createHttpClient({ baseUrl: apiBaseUrl(serverUrl), fetch: fetchImpl }).request(
      'POST',
      `/chat/public/${encodeURIComponent(slug)}/resume`,
      { body: { resume_token: token }, auth: false, parse: parseResumed },
    );
    const sameVisitor = answer.sender_id === before.senderId;
    const sameThread = answer.thread_id === before.threadId;
    return {
      record: {
        ...before,
        threadId: answer.thread_id,
        visitorToken: answer.visitor_token,
        verified: answer.verified,
        senderId: answer.sender_id,
        email: sameVisitor ? before.email : null,
        name: sameVisitor ? before.name : null,
        appliedSeq: sameThread ? before.appliedSeq : 0,
      },
    };
  } catch (error) {
    return failed(failureOf(error));
  }
}

/**
 * Opens the conversation of the page's follow-up link in the panel ("Starting…" meanwhile;
 * visitor-session.ts `start` loads this chunk for it): stored as a resolve's would be, and opened
 * like an earlier conversation, so this tab's reloads show it again and the visitor's others
 * stay listed under "Earlier conversations". A link that did not open it says why (in the
 * panel, and to the page as an `error` event) and the panel carries on as without it: the
 * stored conversation, if any.
 */
export async function followLink(session: VisitorSession, page?: LinkPage, fetchImpl?: typeof fetch): Promise<void> {
  const generation = ++session.generation;
  session.set({ phase: { kind: 'starting' } });
  const { apiBaseUrl: serverUrl, agent, locale } = session.host.options;
  const outcome = await spendResumeLink(serverUrl, agent, locale, session.visitor.record, page, fetchImpl);
  // (Something else started meanwhile: identify(), another tab, a reset.)
  if (generation !== session.generation) return;
  if (outcome && 'record' in outcome) {
    session.visitor.update(outcome.record);
    // They came from an email: the server has their address, it is not asked for again.
    if (!outcome.record.email) session.set({ emailAsk: 'declined' });
    return session.openEarlier(outcome.record.threadId!);
  }
  if (outcome) {
    session.set({ linkNotice: outcome.words });
    session.report(`resume_${outcome.failure}`, outcome.words);
  }
  // As a page load without the link: the greeting and a composer, or the stored conversation.
  session.askWhoItIs();
  session.carryOn();
}

/** Events a host page can listen to with `AMA2Chat.on(name, fn)`. */
export type WidgetEventName = 'ready' | 'open' | 'close' | 'message' | 'unread' | 'error';

/**
 * The `code` of an `error` event that a site may act on (README "Error codes"); other codes
 * (`profile_failed`, `engine_failed`, the API's `rate_limited`, …) report passing trouble.
 * - `origin_not_allowed`: the agent's allowed websites do not include this page's origin;
 * - `identity_required`: the agent accepts verified visitors only, and no identity token was given;
 * - `identity_invalid`: the identity token was refused (signature, audience, expiry);
 * - `conversation_reset`: the stored conversation is gone (e.g. the server's data was reset); a new one started;
 * - `visitor_expired`: the stored visitor went unused too long (the server's idle limit); the first run starts afresh;
 * - `reset_failed`: `reset()` forgot the visitor here, but the server could not be told to revoke the token;
 * - `invalid_identity`: `identify()` was called with nothing usable;
 * - `unknown_agent`, `invalid_option`, `panel_load_failed`.
 */
export type WidgetErrorCode =
  | 'origin_not_allowed'
  | 'identity_required'
  | 'identity_invalid'
  | 'conversation_reset'
  | 'visitor_expired'
  | 'reset_failed'
  | 'invalid_identity'
  | 'unknown_agent'
  | 'invalid_option'
  | 'panel_load_failed';

export interface WidgetEventMap {
  ready: { agent: string };
  open: Record<string, never>;
  close: Record<string, never>;
  /** A message from the agent or a person (never the visitor's own). */
  message: { threadId: string; senderId: string; content: string };
  unread: { count: number };
  /** `code`: a {@link WidgetErrorCode} or another short code; `message`: what happened, in words. */
  error: { code: WidgetErrorCode | (string & {}); message: string };
}

export const WIDGET_EVENTS: readonly WidgetEventName[] = ['ready', 'open', 'close', 'message', 'unread', 'error'];

import { CloseCode } from '../protocol/limits.ts';
import type { TransportClose } from './transport.ts';

/**
 * What to do after a transport closed (CONTRACT §6 close codes):
 * - `terminal`: nothing will change by retrying (bad parameters, unknown thread or email, a
 *   visitor token or origin refused on the public socket); stay failed until the app changes
 *   something and calls `resume()`.
 * - `auth`: the token was refused; ask the app for a new one once, then give up.
 * - `paused`: the public socket closed an idle conversation; reconnect on the user's next activity.
 * - `retry`: anything else (server restarting, network drop, rate limit): back off and try again.
 */
export type CloseDecision =
  | { kind: 'terminal'; reason: string }
  | { kind: 'auth'; reason: string }
  | { kind: 'paused'; reason: string }
  | { kind: 'retry'; reason: string };

export interface CloseContext {
  /**
   * The message of the `error` frame with code `idle_timeout` that the socket sent before it
   * closed, or null when there was none. Its presence turns a 1000 into `paused`.
   */
  idleTimeoutMessage: string | null;
  /**
   * The visitor's public socket (CONTRACT §6): a 4001 there means the visitor token or the
   * website's origin was refused, which no token refresh can fix, so it is terminal.
   */
  publicSocket?: boolean;
}

/** Readable defaults for when the server gave no reason (browsers may drop it). */
const DEFAULT_REASONS: Record<number, string> = {
  [CloseCode.invalidParams]: 'The server refused the connection parameters.',
  [CloseCode.unauthorized]: 'Your session has expired. Sign in again.',
  [CloseCode.notFound]: 'This conversation could not be found.',
  [CloseCode.unavailable]: 'The server is temporarily unavailable.',
  [CloseCode.tryAgainLater]: 'Too many connections; trying again shortly.',
  [CloseCode.goingAway]: 'The server went away.',
  1006: 'The connection dropped.',
  1011: 'The server hit an error.',
  1012: 'The server is restarting.',
};

/** The public socket's 4001 without a reason. */
const VISITOR_REFUSED_REASON = 'The chat server did not accept this visitor.';

const IDLE_REASON = 'Paused after a while without activity.';

/** Classifies one close. Pure: the manager owns the counters (auth refresh once, backoff attempts). */
export function classifyClose(close: TransportClose, context: CloseContext): CloseDecision {
  const reason = close.reason.trim() || DEFAULT_REASONS[close.code] || `The connection closed (code ${close.code}).`;
  switch (close.code) {
    case CloseCode.invalidParams:
    case CloseCode.notFound:
      return { kind: 'terminal', reason };
    case CloseCode.unauthorized:
      if (context.publicSocket) return { kind: 'terminal', reason: close.reason.trim() || VISITOR_REFUSED_REASON };
      return { kind: 'auth', reason };
    case CloseCode.normal:
      // A plain 1000 without the idle error (a proxy, a server restart) is worth a retry.
      if (context.idleTimeoutMessage !== null) return { kind: 'paused', reason: context.idleTimeoutMessage.trim() || IDLE_REASON };
      return { kind: 'retry', reason };
    default:
      return { kind: 'retry', reason };
  }
}

import { ApiError } from '../../src/core/api/api-error.ts';
import type { ResolveInput } from '../../src/core/api/public-api.ts';
import type { ResolvedThread } from '../../src/core/protocol/rest-schemas.ts';
import type { VisitorIdentity } from '../shared/identify-options.ts';
import type { VisitorRecord } from '../shared/visitor-store.ts';
import type { PanelDeps } from './panel-deps.ts';
import { outcomeOf, targetOf, type ResolveOutcome, type ResolveTarget, type StartMode } from './resolve-outcome.ts';
import { visitorSenderOf } from './visitor-identity.ts';

/** Where a start lands: the conversation, who the visitor is in it, and what changes on record. */
export interface ResolvedConversation {
  target: ResolveTarget;
  /** Null on a server whose history names no visitor yet. */
  selfSenderId: string | null;
  outcome: ResolveOutcome;
}

/**
 * Asks the server which conversation the visitor is in (CONTRACT §7), from what is on record
 * and what the website said; offline with a conversation on record, it is that one. Null when
 * `current()` turns false meanwhile (a newer start won).
 */
export async function resolveConversation(
  deps: PanelDeps,
  slug: string,
  before: VisitorRecord,
  identity: VisitorIdentity | null,
  mode: StartMode,
  current: () => boolean,
): Promise<ResolvedConversation | null> {
  // "New conversation" of a verified visitor: their visitor token carries who they are, and the
  // site's identity token (signed when the page loaded) may have expired since.
  const identityToken = mode.restart && before.visitorToken !== null && before.verified ? null : (identity?.identityToken ?? null);
  const input: ResolveInput = { email: before.email, name: before.name, identity_token: identityToken };
  let resolved: ResolvedThread | null = null;
  try {
    // An earlier conversation the visitor chose is theirs already: the server would answer its open one.
    if (mode.restart) resolved = await freshThread(deps, slug, input, before.visitorToken);
    else if (!mode.earlier) resolved = await deps.api.resolveThread(slug, input, before.visitorToken);
  } catch (error) {
    // Offline (or the server down) with a conversation on record: open it; the engine waits for the network.
    const known = before.threadId !== null && before.senderId !== null && (before.visitorToken !== null || before.email !== null);
    if (!(known && ApiError.is(error) && error.retryable && !mode.restart)) throw error;
    resolved = null;
  }
  if (!current()) return null;

  const target = targetOf(before, resolved);
  let selfSenderId = target.senderId;
  if (!selfSenderId) {
    const page = await deps.api.pollEvents(slug, target.threadId, { visitorToken: target.visitorToken, email: target.email }, 0);
    if (!current()) return null;
    selfSenderId = visitorSenderOf(page.events);
  }
  return { target, selfSenderId, outcome: outcomeOf(before, resolved, mode, target, selfSenderId) };
}

/**
 * A new thread for "new conversation" ([ext] `fresh`). A server without it refuses the
 * field (400) or ignores it and resumes the open thread; either way the visitor gets that
 * thread, and the start hides its history.
 */
async function freshThread(deps: PanelDeps, slug: string, input: ResolveInput, visitorToken: string | null): Promise<ResolvedThread> {
  try {
    return await deps.api.resolveThread(slug, { ...input, fresh: true }, visitorToken);
  } catch (error) {
    if (!(ApiError.is(error) && error.code === 'client_error')) throw error;
    return await deps.api.resolveThread(slug, input, visitorToken);
  }
}

/**
 * The panel's state outside the UI (framework-free, one per mounted panel): the agent's
 * profile, who the visitor is, which thread they are in, the engine that keeps it live, and
 * what the loader is told (unread count, messages, errors). The UI reads it through
 * `subscribe` / `getState`; every async step is guarded, so nothing throws to the host page.
 *
 * Who the visitor is rests on the visitor token the resolve call issued (CONTRACT §7): every
 * start resolves with the stored token, so a returning visitor resumes, and a token the server
 * no longer accepts (its data was reset) shows as a new thread: the record is replaced and
 * the visitor told. A refused token on a running conversation is re-resolved at most once.
 */
import { ApiError } from '../../src/core/api/api-error.ts';
import type { ResolveInput } from '../../src/core/api/public-api.ts';
import type { Activity, SyncEngine } from '../../src/core/engine/sync-engine.ts';
import type { ResolvedThread } from '../../src/core/protocol/rest-schemas.ts';
import type { VisitorIdentity } from '../shared/identify-options.ts';
import type { PanelHost } from '../shared/panel-contract.ts';
import { EMPTY_VISITOR, loadVisitor, removeVisitor, saveVisitor, visitorKey, type VisitorRecord } from '../shared/visitor-store.ts';
import { forgetDevice } from './forget-visitor.ts';
import type { WidgetEventMap, WidgetEventName } from '../shared/widget-events.ts';
import { messageOf } from './activity-message.ts';
import type { PanelDeps } from './panel-deps.ts';
import { REFUSAL_MESSAGES, refusalOfClose, refusalOfError, type BlockedReason, type Refusal } from './refusals.ts';
import { outcomeOf, targetOf, type StartMode } from './resolve-outcome.ts';
import type { SessionState } from './session-state.ts';
import { mergeFromOtherTab } from './tab-sync.ts';
import { visitorSenderOf } from './visitor-identity.ts';

/** Messages already reported to the host page, remembered so a message is reported once. */
const MAX_REMEMBERED_MESSAGES = 500;
/**
 * Stands in for the visitor's sender id on a server whose history names no visitor yet; the
 * real one is learnt from the visitor's first sent message.
 */
export const UNKNOWN_VISITOR = 'visitor:unknown';
/** The public socket's close code for a refused token or origin (CONTRACT §6). */
const REFUSED_CLOSE_CODE = 4001;

export type { ServerNotice, SessionState } from './session-state.ts';

export class VisitorSession {
  private state: SessionState;
  private readonly listeners = new Set<() => void>();
  private readonly key: string;
  private record: VisitorRecord;
  /** What the website said about the visitor (`identify()`), validated by the loader. */
  private identity: VisitorIdentity | null;
  private engine: SyncEngine | null = null;
  private unsubscribers: (() => void)[] = [];
  /** Bumped whenever the conversation restarts: late answers of an older start are ignored. */
  private generation = 0;
  private destroyed = false;
  private readonly reported = new Set<string>();
  /** A thread resolved just now (not resumed from storage) starts read up to its history. */
  private baselinePending = false;
  /** A refused token was re-resolved once already, and no connection opened since: a second refusal stops. */
  private reResolved = false;

  constructor(
    private readonly host: PanelHost,
    private readonly deps: PanelDeps,
  ) {
    this.key = visitorKey(host.options.apiBaseUrl, host.options.agent);
    this.record = loadVisitor(this.key, deps.storage);
    this.identity = host.identity;
    this.state = {
      profile: { status: 'loading' },
      phase: { kind: 'prechat', problem: null },
      open: false,
      email: null,
      name: null,
      hiddenThroughSeq: 0,
      notice: null,
      conversationReset: false,
    };
  }

  getState = (): SessionState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<SessionState>): void {
    if (this.destroyed) return;
    this.state = { ...this.state, ...patch };
    for (const listener of [...this.listeners]) listener();
  }

  /** Loads the profile and, when the visitor is already known, their conversation. */
  start(): void {
    void this.loadProfile();
    if (this.identity) this.adopt(this.identity, false);
    else if (this.record.visitorToken || this.record.email) this.begin();
  }

  async loadProfile(): Promise<void> {
    this.set({ profile: { status: 'loading' } });
    try {
      const profile = await this.deps.api.profile(this.host.options.agent);
      this.set({ profile: { status: 'ready', profile } });
      // An agent for verified visitors only: no form for a visitor the site has not vouched for.
      if (this.state.phase.kind === 'prechat') this.askWhoItIs(this.state.phase.problem);
    } catch (error) {
      const refusal = refusalOfError(error);
      if (refusal?.kind === 'blocked' && refusal.reason === 'origin_not_allowed') {
        this.set({ profile: { status: 'failed' } });
        return this.block('origin_not_allowed');
      }
      const missing = ApiError.is(error) && error.status === 404;
      this.set({ profile: { status: missing ? 'missing' : 'failed' } });
      if (missing) {
        // No such agent: a conversation being started with it is abandoned.
        this.generation++;
        this.stopEngine();
      }
      this.report(
        missing ? 'unknown_agent' : 'profile_failed',
        missing ? `There is no agent "${this.host.options.agent}".` : describe(error),
      );
    }
  }

  /** The pre-chat form was sent (already validated). */
  submitPrechat(email: string, name: string): void {
    this.adopt({ email: email.trim().toLowerCase(), ...(name.trim() ? { name: name.trim() } : {}) }, false);
  }

  /** `AMA2Chat.identify()`: another person starts over; the same one updates their name or proves who they are. */
  identify(identity: VisitorIdentity): void {
    if (!identity.email && !identity.identityToken)
      return this.report('invalid_identity', 'identify() needs a valid email or identity_token.');
    this.adopt(identity, true);
  }

  private adopt(identity: VisitorIdentity, duringVisit: boolean): void {
    const previous = this.identity;
    this.identity = identity;
    const email = identity.email?.toLowerCase() ?? null;
    // A different email than the stored one is another person (a shared computer): their token is not theirs.
    const otherPerson = email !== null && this.record.email !== null && this.record.email.toLowerCase() !== email;
    if (otherPerson) this.record = { ...EMPTY_VISITOR };
    this.record = { ...this.record, email: email ?? this.record.email, name: identity.name ?? this.record.name };
    this.save();
    const newToken = identity.identityToken !== undefined && identity.identityToken !== previous?.identityToken;
    const running = this.state.phase.kind === 'chat' || this.state.phase.kind === 'starting';
    if (running && !otherPerson && !newToken) return this.set({ name: this.record.name });
    this.reResolved = false;
    this.begin({ identityChange: duringVisit && (otherPerson || newToken) });
  }

  /**
   * Starts over, keeping who the visitor is: a new thread where the server can make one,
   * else the same thread with its history hidden on screen (this page view only: the record
   * has no field for it).
   */
  newConversation(): void {
    const phase = this.state.phase;
    const hideThrough = phase.kind === 'chat' ? latestSeq(phase.engine, phase.threadId) : 0;
    const previousThread = this.record.threadId;
    this.record = { ...this.record, threadId: null, senderId: null, appliedSeq: 0, unread: 0 };
    this.save();
    this.setUnread(0);
    if (!this.canResolve()) return this.askWhoItIs(null);
    this.reResolved = false;
    this.begin({ restart: { previousThread, hideThrough } });
  }

  /**
   * `AMA2Chat.reset()` (a site's sign-out on a shared computer): forgets the visitor on this
   * device, the other tabs follow (tab-sync.ts), the server revokes the token, and the panel
   * starts fresh.
   */
  reset(): void {
    const token = this.record.visitorToken;
    this.startFresh();
    forgetDevice(this.deps, this.host.options, token, (message) => this.report('reset_failed', message));
  }

  /** Nobody is known any more (a reset here or in another tab, an expired token): the conversation stops, the record goes, the form shows. */
  startFresh(): void {
    this.generation++;
    this.stopEngine();
    this.identity = null;
    this.setUnread(0, false);
    this.record = { ...EMPTY_VISITOR };
    removeVisitor(this.key, this.deps.storage);
    this.reResolved = false;
    this.set({ email: null, name: null, notice: null, hiddenThroughSeq: 0, conversationReset: false });
    this.askWhoItIs(null);
  }

  /** After a failed start: try the same again. */
  retry(): void {
    if (this.state.profile.status === 'failed') void this.loadProfile();
    this.reResolved = false;
    if (this.canResolve()) this.begin();
    else this.askWhoItIs(null);
  }

  setOpen(open: boolean): void {
    this.set({ open });
    if (open) {
      this.setUnread(0);
      this.onThreadChange();
    } else if (this.state.phase.kind === 'chat') {
      this.state.phase.engine.setTyping(this.state.phase.threadId, false);
    }
  }

  /**
   * Another tab of this site saved the visitor record (tab-sync.ts). The same conversation:
   * its read position and unread count are taken in (the badge and `unread` event follow).
   * Another conversation (the visitor started one there, or a new one): this tab follows
   * it, unless it is starting one itself or stopped where the website has to act; without
   * this, its form would start a second conversation and its record overwrite the other's.
   */
  followOtherTab(theirs: VisitorRecord): void {
    const merged = mergeFromOtherTab(this.record, theirs, this.state.open);
    const phase = this.state.phase.kind;
    if (merged) {
      const newToken = merged.visitorToken !== this.record.visitorToken;
      this.record = { ...merged, unread: this.record.unread };
      this.setUnread(merged.unread, false);
      // The old token is revoked: the conversation goes on with the other tab's.
      if (newToken && (phase === 'chat' || phase === 'starting')) this.begin();
      return;
    }
    // A verified visitor does not follow a tab still on an anonymous conversation (one that has not heard yet).
    const follows =
      theirs.threadId !== null &&
      theirs.visitorToken !== null &&
      theirs.threadId !== this.record.threadId &&
      theirs.verified >= this.record.verified;
    if (!follows || (phase !== 'prechat' && phase !== 'chat')) return;
    this.record = theirs;
    this.reResolved = false;
    this.begin();
  }

  destroy(): void {
    this.stopEngine();
    this.generation++;
    this.destroyed = true;
    this.listeners.clear();
  }

  // ---- starting a conversation ---------------------------------------------------------

  /** Whether there is anything to resolve with: a stored token, an email, or the site's identity token. */
  private canResolve(): boolean {
    return Boolean(this.record.visitorToken || this.record.email || this.identity?.identityToken);
  }

  /** The email form, unless the agent takes verified visitors only (then: sign in on the site). */
  private askWhoItIs(problem: 'invalid_email' | null): void {
    const profile = this.state.profile;
    if (profile.status === 'ready' && profile.profile.require_verified_identity && !this.identity?.identityToken)
      return this.block('identity_required');
    this.set({ phase: { kind: 'prechat', problem } });
  }

  /** Stops where the website has to act; told once per entry, never retried on its own. */
  private block(reason: BlockedReason): void {
    this.generation++;
    this.stopEngine();
    const phase = this.state.phase;
    if (phase.kind === 'blocked' && phase.reason === reason) return;
    this.set({ phase: { kind: 'blocked', reason }, conversationReset: false });
    this.report(reason, REFUSAL_MESSAGES[reason]);
  }

  private begin(mode: StartMode = {}): void {
    const generation = ++this.generation;
    this.stopEngine();
    this.set({
      phase: { kind: 'starting' },
      email: this.record.email,
      name: this.record.name,
      notice: null,
      hiddenThroughSeq: 0,
      conversationReset: false,
    });
    this.connect(generation, mode).catch((error: unknown) => {
      if (generation !== this.generation) return;
      const refusal = refusalOfError(error);
      if (refusal?.kind === 'blocked') return this.block(refusal.reason);
      // Resolve refuses a token only when it went unused too long: forget it and start afresh.
      if (refusal) {
        const identity = this.identity;
        this.startFresh();
        this.report('visitor_expired', describe(error));
        if (identity) this.adopt(identity, false);
        return;
      }
      const code = ApiError.is(error) ? error.code : 'start_failed';
      // The server refused the email (only a typed one can be wrong: the site's were checked).
      if (code === 'client_error' && !this.identity?.identityToken) this.askWhoItIs(this.record.email ? 'invalid_email' : null);
      else this.set({ phase: { kind: 'start-failed', code, retryAfterMs: ApiError.is(error) ? error.retryAfterMs : null } });
      this.report(code, describe(error));
    });
  }

  private async connect(generation: number, mode: StartMode): Promise<void> {
    const { api } = this.deps;
    const slug = this.host.options.agent;
    const before = this.record;
    // "New conversation" of a verified visitor: their visitor token carries who they are, and the
    // site's identity token (signed when the page loaded) may have expired since.
    const identityToken = mode.restart && before.visitorToken !== null && before.verified ? null : (this.identity?.identityToken ?? null);
    const input: ResolveInput = { email: before.email, name: before.name, identity_token: identityToken };
    let resolved: ResolvedThread | null;
    try {
      resolved = mode.restart
        ? await this.freshThread(input, before.visitorToken)
        : await api.resolveThread(slug, input, before.visitorToken);
    } catch (error) {
      // Offline (or the server down) with a conversation on record: open it; the engine waits for the network.
      const known = before.threadId !== null && before.senderId !== null && (before.visitorToken !== null || before.email !== null);
      if (!(known && ApiError.is(error) && error.retryable && !mode.restart)) throw error;
      resolved = null;
    }
    if (generation !== this.generation) return;

    const target = targetOf(before, resolved);
    const { threadId, visitorToken, email: label } = target;
    let selfSenderId = target.senderId;
    if (!selfSenderId) {
      const page = await api.pollEvents(slug, threadId, { visitorToken, email: label }, 0);
      if (generation !== this.generation) return;
      selfSenderId = visitorSenderOf(page.events);
    }
    const outcome = outcomeOf(before, resolved, mode, target, selfSenderId);
    this.baselinePending = outcome.baselinePending;
    this.record = { ...outcome.record, unread: this.record.unread };
    this.save();

    const engine = this.deps.createEngine({
      serverUrl: this.host.options.apiBaseUrl,
      slug,
      visitorToken,
      email: label,
      threadId,
      selfSenderId: selfSenderId ?? UNKNOWN_VISITOR,
      onRefused: (error) => this.refused(generation, refusalOfError(error)),
    });
    this.engine = engine;
    this.unsubscribers.push(
      engine.subscribeThread(threadId, () => this.onThreadChange()),
      engine.onActivity((activity) => this.onActivity(activity)),
      engine.subscribe(() => this.onConnection(generation, engine)),
    );
    this.set({
      phase: { kind: 'chat', threadId, selfSenderId: selfSenderId ?? UNKNOWN_VISITOR, engine },
      hiddenThroughSeq: outcome.hiddenThroughSeq,
      conversationReset: outcome.reset,
    });
    // Another thread: nothing in it is unread yet (the launcher's badge follows).
    if (!target.continuing) this.setUnread(0);
    if (outcome.reset) this.report('conversation_reset', REFUSAL_MESSAGES.conversation_reset);
    const failed = (error: unknown) => {
      if (generation === this.generation) this.report('engine_failed', describe(error));
    };
    engine.start().catch(failed);
    engine.openThread(threadId).catch(failed);
  }

  /**
   * A new thread for "new conversation" ([ext] `fresh`). A server without it refuses the
   * field (400) or ignores it and resumes the open thread; either way the visitor gets that
   * thread, and `connect` hides its history.
   */
  private async freshThread(input: ResolveInput, visitorToken: string | null): Promise<ResolvedThread> {
    const slug = this.host.options.agent;
    try {
      return await this.deps.api.resolveThread(slug, { ...input, fresh: true }, visitorToken);
    } catch (error) {
      if (!(ApiError.is(error) && error.code === 'client_error')) throw error;
      return await this.deps.api.resolveThread(slug, input, visitorToken);
    }
  }

  /** The live connection's refusals (4001) and recoveries. */
  private onConnection(generation: number, engine: SyncEngine): void {
    if (generation !== this.generation) return;
    const state = engine.getConnectionState();
    if (state.status === 'open') this.reResolved = false;
    else if (state.status === 'failed' && state.code === REFUSED_CLOSE_CODE) this.refused(generation, refusalOfClose(state.reason));
  }

  /**
   * The server no longer accepts what this conversation runs on. A blocked reason is shown;
   * a refused token is resolved again once (the server then answers a new thread, or the
   * same one); a second refusal before anything opened stops with "could not be started".
   */
  private refused(generation: number, refusal: Refusal | null): void {
    if (generation !== this.generation || !refusal) return;
    if (refusal.kind === 'blocked') return this.block(refusal.reason);
    if (this.reResolved) {
      this.generation++;
      this.stopEngine();
      this.set({ phase: { kind: 'start-failed', code: 'unauthorized', retryAfterMs: null } });
      return this.report('unauthorized', 'The chat server did not accept this visitor again.');
    }
    this.reResolved = true;
    this.begin();
  }

  private stopEngine(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    const engine = this.engine;
    this.engine = null;
    try {
      engine?.stop();
    } catch (error) {
      this.report('engine_failed', describe(error));
    }
  }

  // ---- while the conversation runs -------------------------------------------------------

  /** Read position and unread count follow the thread: read while open, counted while closed. */
  private onThreadChange(): void {
    const phase = this.state.phase;
    if (phase.kind !== 'chat') return;
    const snapshot = phase.engine.getThreadSnapshot(phase.threadId);
    if (!snapshot.loaded) return;
    const latest = snapshot.health.appliedSeq;
    if (this.baselinePending) {
      // Counting starts once the history is in: until then, every old message would look new.
      if (snapshot.health.status !== 'synced') return;
      this.baselinePending = false;
      this.markRead(latest);
    }
    if (this.state.open) {
      this.markRead(latest);
      return;
    }
    const floor = Math.max(this.record.appliedSeq, this.state.hiddenThroughSeq);
    let unread = 0;
    for (const item of snapshot.items) {
      if (item.kind === 'message' && item.message.seq > floor && item.message.senderId !== phase.selfSenderId) unread++;
    }
    this.setUnread(unread);
  }

  private markRead(seq: number): void {
    if (seq > this.record.appliedSeq) {
      this.record = { ...this.record, appliedSeq: seq };
      this.save();
    }
    this.setUnread(0);
  }

  /** `save`: false when the count comes from another tab, which saved it (saving again would echo back). */
  private setUnread(count: number, save = true): void {
    if (count === this.record.unread) return;
    this.record = { ...this.record, unread: count };
    if (save) this.save();
    try {
      this.host.setUnread(count);
    } catch {
      // The loader's badge is its business; the count is saved for it either way.
    }
    this.emit('unread', { count });
  }

  private onActivity(activity: Activity): void {
    const phase = this.state.phase;
    if (phase.kind !== 'chat') return;
    if (activity.kind === 'error') {
      // The paused state says it better than the idle error itself.
      if (activity.code !== 'idle_timeout') {
        this.set({ notice: { code: activity.code, retryAfterMs: activity.retryAfterMs, at: this.deps.now() } });
        this.report(activity.code, activity.message);
      }
      return;
    }
    if (activity.threadId !== phase.threadId) return;
    const message = messageOf(activity);
    if (!message) return;
    if (phase.selfSenderId === UNKNOWN_VISITOR && message.clientMessageId && phase.engine.outbox.get(message.clientMessageId)) {
      return this.learnSender(message.senderId);
    }
    if (message.senderId === phase.selfSenderId || this.reported.has(message.id)) return;
    if (message.seq !== null && message.seq <= this.state.hiddenThroughSeq) return;
    this.reported.add(message.id);
    if (this.reported.size > MAX_REMEMBERED_MESSAGES) this.reported.delete(this.reported.values().next().value!);
    this.emit('message', { threadId: phase.threadId, senderId: message.senderId, content: message.content });
  }

  /** The visitor's first message named them: remember it, and reopen the thread knowing who they are. */
  private learnSender(senderId: string): void {
    if (!senderId.startsWith('visitor:')) return;
    this.record = { ...this.record, senderId };
    this.save();
    this.begin();
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private save(): void {
    saveVisitor(this.key, this.record, this.deps.storage);
  }

  private emit<K extends WidgetEventName>(event: K, payload: WidgetEventMap[K]): void {
    try {
      this.host.emit(event, payload);
    } catch {
      // A host page's listener that throws must not break the panel.
    }
  }

  /** Tells the host page what went wrong, in a code and words; never throws. */
  report(code: string, message: string): void {
    this.emit('error', { code, message });
  }
}

function latestSeq(engine: SyncEngine, threadId: string): number {
  return engine.getThreadSnapshot(threadId).health.appliedSeq;
}

function describe(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}

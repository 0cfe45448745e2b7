/**
 * A visitor's conversation from start to stop, framework-free: resolving it with the server
 * (resolve-conversation.ts), running its engine (engine-lifecycle.ts), and what happens while
 * it runs (the unread tracker, the host page's events). {@link VisitorSession} adds the
 * public API (who the visitor is, the panel's buttons, the other tabs) on top.
 *
 * Who the visitor is rests on the visitor token the resolve call issued (CONTRACT §7): every
 * start resolves with the stored token, so a returning visitor resumes, and a token the server
 * no longer accepts (its data was reset) shows as a new thread: the record is replaced and
 * the visitor told. A refused token on a running conversation is re-resolved at most once.
 */
import { ApiError } from '../../src/core/api/api-error.ts';
import type { Activity } from '../../src/core/engine/sync-engine.ts';
import type { VisitorIdentity } from '../shared/identify-options.ts';
import type { PanelHost } from '../shared/panel-contract.ts';
import { visitorKey } from '../shared/visitor-store.ts';
import { messageOf } from './activity-message.ts';
import { EngineLifecycle } from './engine-lifecycle.ts';
import { keptFirst, sendFirstText } from './first-message.ts';
import { describeError as describe, HostEvents } from './host-events.ts';
import type { PanelDeps } from './panel-deps.ts';
import { REFUSAL_MESSAGES, refusalOfError, type BlockedReason, type Refusal } from './refusals.ts';
import { resolveConversation } from './resolve-conversation.ts';
import type { StartMode } from './resolve-outcome.ts';
import type { SessionState } from './session-state.ts';
import { StoredVisitor } from './stored-visitor.ts';
import { UnreadTracker } from './unread-tracker.ts';
import { rememberViewed } from './viewed-thread.ts';

/**
 * Stands in for the visitor's sender id on a server whose history names no visitor yet; the
 * real one is learnt from the visitor's first sent message.
 */
export const UNKNOWN_VISITOR = 'visitor:unknown';

export abstract class VisitorConversation {
  protected state: SessionState;
  protected readonly listeners = new Set<() => void>();
  /** The visitor record's storage key (visitor-store.ts); this tab's own keys derive from it. */
  protected readonly key: string;
  /** (Public for resume-link.ts, the chunk that spends a follow-up email's link and stores what it gives.) */
  readonly visitor: StoredVisitor;
  /** What the website said about the visitor (`identify()`), validated by the loader. */
  protected identity: VisitorIdentity | null;
  protected readonly events: HostEvents;
  protected readonly unread: UnreadTracker;
  protected readonly engine: EngineLifecycle;
  /** Bumped whenever the conversation restarts: late answers of an older start are ignored. (Public, as `set`, for resume-link.ts.) */
  generation = 0;
  protected destroyed = false;
  /** A refused token was re-resolved once already, and no connection opened since: a second refusal stops. */
  protected reResolved = false;
  /** The files of the visitor's first message (with `firstMessage`): uploaded once the conversation has a thread. */
  firstFiles: File[] = [];
  /** This page's keeping of them across a reload (first-files.ts), until the outbox has them. */
  firstKept?: Promise<void>;
  private typed = '';
  /**
   * What the visitor has typed and not sent (composer.tsx): `draft(text)` keeps it, `draft()`
   * reads it, so a composer that replaces another (the conversation was erased, a new one
   * started) starts with it. Kept for the page view only, never stored.
   */
  readonly draft = (text = this.typed): string => (this.typed = text);

  constructor(
    readonly host: PanelHost,
    protected readonly deps: PanelDeps,
  ) {
    this.key = visitorKey(host.options.apiBaseUrl, host.options.agent);
    this.visitor = new StoredVisitor(this.key, deps.storage);
    this.events = new HostEvents(host);
    this.unread = new UnreadTracker(this.visitor, this.events);
    this.engine = new EngineLifecycle(this.events);
    this.identity = host.identity;
    const kept = keptFirst(this.key);
    this.state = {
      profile: { status: 'loading' },
      phase: { kind: 'prechat' },
      open: false,
      email: null,
      name: null,
      hiddenThroughSeq: 0,
      notice: null,
      conversationReset: false,
      preview: null,
      // A first message a reload interrupted while its conversation started (first-message.ts): it starts one again.
      firstMessage: kept?.text ?? null,
      firstNames: kept?.names ?? [],
      firstLost: null,
      emailAsk: null,
      earlier: null,
      leaving: null,
      linkNotice: null,
      gone: null,
    };
  }

  getState = (): SessionState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  set(patch: Partial<SessionState>): void {
    if (this.destroyed) return;
    this.state = { ...this.state, ...patch };
    for (const listener of [...this.listeners]) listener();
  }

  /** Takes in who the visitor is (the site's `identify()`, or again after an expired token). */
  protected abstract adopt(identity: VisitorIdentity, duringVisit: boolean): void;

  /** Nobody is known any more: the conversation stops, the record goes, the first run shows. */
  abstract startFresh(): void;

  /** The website erased the running conversation (its `thread_deleted`, a `404` for it, or its revoked token's `401`). */
  protected abstract erased(): void;

  // ---- starting a conversation ---------------------------------------------------------

  /** Whether there is anything to resolve with: a stored token, an email, the site's identity token, or a first message. */
  protected canResolve(): boolean {
    const { record } = this.visitor;
    return Boolean(record.visitorToken || record.email || this.identity?.identityToken || this.state.firstMessage !== null);
  }

  /** The greeting and a composer, unless the agent takes verified visitors only (then: sign in on the site). (Public for resume-link.ts.) */
  askWhoItIs(): void {
    const profile = this.state.profile;
    if (profile.status === 'ready' && profile.profile.require_verified_identity && !this.identity?.identityToken)
      return this.block('identity_required');
    this.set({ phase: { kind: 'prechat' } });
  }

  /** Nobody could write to the visitor after they leave: no email on record, and not one the site vouched for. */
  protected wantsEmail(): boolean {
    const { record } = this.visitor;
    return !record.email && !record.verified && !this.identity?.email && this.state.emailAsk !== 'saved';
  }

  /** Stops where the website has to act; told once per entry, never retried on its own. */
  protected block(reason: BlockedReason): void {
    this.generation++;
    this.engine.stop();
    const phase = this.state.phase;
    if (phase.kind === 'blocked' && phase.reason === reason) return;
    this.set({ phase: { kind: 'blocked', reason }, conversationReset: false });
    this.report(reason, REFUSAL_MESSAGES[reason]);
  }

  protected begin(mode: StartMode = {}): void {
    const generation = ++this.generation;
    this.engine.stop();
    this.set({
      phase: { kind: 'starting' },
      email: this.visitor.record.email,
      name: this.visitor.record.name,
      notice: null,
      hiddenThroughSeq: 0,
      conversationReset: false,
      preview: null,
      earlier: null,
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
      // A server that starts no one without an email (seed-only) gets one asked for; the first message waits.
      if (code === 'client_error' && !this.identity?.identityToken && !this.visitor.record.email && this.state.firstMessage !== null) {
        this.set({ phase: { kind: 'prechat' }, emailAsk: 'start' });
      } else this.set({ phase: { kind: 'start-failed', code, retryAfterMs: ApiError.is(error) ? error.retryAfterMs : null } });
      this.report(code, describe(error));
    });
  }

  protected async connect(generation: number, mode: StartMode): Promise<void> {
    const slug = this.host.options.agent;
    const current = () => generation === this.generation;
    const resolved = await resolveConversation(this.deps, slug, this.visitor.record, this.identity, mode, current);
    if (!resolved) return;
    const { target, outcome } = resolved;
    const { threadId, visitorToken, email: label } = target;
    const selfSenderId = resolved.selfSenderId ?? UNKNOWN_VISITOR;
    this.unread.baselinePending = outcome.baselinePending;
    this.visitor.record = { ...outcome.record, unread: this.visitor.record.unread };
    this.visitor.save();
    // An earlier conversation stays on screen across this tab's page loads; any other start is the server's choice.
    rememberViewed(this.key, mode.earlier ? threadId : null);

    const engine = this.deps.createEngine({
      serverUrl: this.host.options.apiBaseUrl,
      slug,
      visitorToken,
      email: label,
      threadId,
      selfSenderId,
      onRefused: (error) => this.refused(generation, refusalOfError(error)),
    });
    this.engine.attach(engine, threadId, {
      threadChanged: () => this.onThreadChange(),
      activity: (activity) => this.onActivity(activity),
      opened: () => {
        if (current()) this.reResolved = false;
      },
      refused: (refusal) => this.refused(generation, refusal),
    });
    this.set({
      phase: { kind: 'chat', threadId, selfSenderId, engine },
      hiddenThroughSeq: outcome.hiddenThroughSeq,
      conversationReset: outcome.reset,
    });
    // Another thread: nothing in it is unread yet (the launcher's badge follows).
    if (!target.continuing) this.unread.set(0);
    if (outcome.reset) this.report('conversation_reset', REFUSAL_MESSAGES.conversation_reset);
    this.engine.start(engine, threadId, (error) => {
      if (current()) this.report('engine_failed', describe(error));
    });
    // The message the visitor wrote before there was a conversation: the outbox keeps it from here.
    const first = this.state.firstMessage;
    if (first !== null) {
      // Its files need the thread to upload into: the outbox stores them with the message, then uploads and sends.
      const files = this.firstFiles;
      const kept = this.firstKept;
      this.firstFiles = [];
      this.firstKept = undefined;
      this.set({ firstMessage: null, firstNames: [] });
      // Under its kept id (sent once); with files, chosen on this page or kept across a reload, the upload chunk hands them over.
      const stored = keptFirst(this.key);
      (files.length > 0 || stored?.names.length
        ? import('./first-files.ts')
            .then((module) => module.sendFirst(this.key, engine, threadId, first, files, kept))
            .then((lost) => {
              // A reload lost its files: not sent without them, but kept as a draft for the visitor to attach them again.
              if (lost.length === 0 || !current()) return;
              this.draft(first);
              this.set({ firstLost: lost });
            })
        : sendFirstText(this.key, engine, threadId, first, stored?.id)
      ).catch((error: unknown) => this.report('send_failed', describe(error)));
    }
    // The visitor's other conversations, for "Earlier conversations" (CONTRACT §7 "my conversations"); none
    // offered where the server cannot list them (a seed-only server answers 404).
    if (visitorToken)
      this.deps.api.listThreads(slug, visitorToken).then(
        ({ threads }) => current() && this.set({ earlier: threads.filter((thread) => thread.id !== threadId) }),
        () => undefined,
      );
  }

  /**
   * The server no longer accepts what this conversation runs on. A blocked reason is shown.
   * A token it no longer knows (not an expired one) means the website erased the visitor while
   * this widget did not hear the conversation's `thread_deleted` (closed, asleep or offline at
   * the time; CONTRACT §14: the token is then `401`, the socket closes 4001): the same end state
   * as when it did, and no new conversation behind the visitor's back. An expired token is
   * resolved again once (the server then answers a new thread, or the same one); a second
   * refusal before anything opened stops with "could not be started".
   */
  protected refused(generation: number, refusal: Refusal | null): void {
    if (generation !== this.generation || !refusal) return;
    if (refusal.kind === 'blocked') return this.block(refusal.reason);
    // (A server that issues no tokens, seed-only, knows the visitor by email: nothing was revoked.)
    if (!refusal.expired && this.visitor.record.visitorToken) return this.erased();
    if (this.reResolved) {
      this.generation++;
      this.engine.stop();
      this.set({ phase: { kind: 'start-failed', code: 'unauthorized', retryAfterMs: null } });
      return this.report('unauthorized', 'The chat server did not accept this visitor again.');
    }
    this.reResolved = true;
    this.begin();
  }

  // ---- while the conversation runs -------------------------------------------------------

  /** Read position and unread count follow the thread: read while open, counted while closed. */
  protected onThreadChange(): void {
    const { phase, open, hiddenThroughSeq } = this.state;
    if (phase.kind !== 'chat') return;
    this.unread.threadChanged(phase.engine.getThreadSnapshot(phase.threadId), { open, hiddenThroughSeq, selfSenderId: phase.selfSenderId });
  }

  protected onActivity(activity: Activity): void {
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
    if (activity.kind === 'deleted') return this.erased();
    const message = messageOf(activity);
    if (!message) return;
    if (phase.selfSenderId === UNKNOWN_VISITOR && message.clientMessageId && phase.engine.outbox.get(message.clientMessageId)) {
      return this.learnSender(message.senderId);
    }
    if (message.senderId === phase.selfSenderId) return;
    if (message.seq !== null && message.seq <= this.state.hiddenThroughSeq) return;
    // The first reply: a gentle offer to leave an email, so a later answer can reach them.
    if (this.state.emailAsk === null && this.wantsEmail()) this.set({ emailAsk: 'reply' });
    const { id, senderId, content } = message;
    // A new reply while the panel is closed shows above the launcher (reply-preview.tsx).
    if (this.events.message(id, { threadId: phase.threadId, senderId, content }) && !this.state.open)
      this.set({ preview: { id, senderId, content } });
  }

  /** The visitor's first message named them: remember it, and reopen the thread knowing who they are. */
  protected learnSender(senderId: string): void {
    if (!senderId.startsWith('visitor:')) return;
    this.visitor.update({ senderId });
    this.begin();
  }

  /** Tells the host page what went wrong, in a code and words; never throws. */
  report(code: string, message: string): void {
    this.events.report(code, message);
  }
}

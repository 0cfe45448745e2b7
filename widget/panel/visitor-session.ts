/**
 * The panel's state outside the UI (framework-free, one per mounted panel): the agent's
 * profile, who the visitor is, which thread they are in, the engine that keeps it live, and
 * what the loader is told (unread count, messages, errors). The UI reads it through
 * `subscribe` / `getState`; every async step is guarded, so nothing throws to the host page.
 * This file is the public API and who the visitor is; starting and running the conversation
 * is {@link VisitorConversation}'s.
 */
import { ApiError } from '../../src/core/api/api-error.ts';
import type { SyncEngine } from '../../src/core/engine/sync-engine.ts';
import type { VisitorIdentity } from '../shared/identify-options.ts';
import { EMPTY_VISITOR, type VisitorRecord } from '../shared/visitor-store.ts';
import { keepFirst, keptFirst } from './first-message.ts';
import { forgetDevice } from './forget-visitor.ts';
import { describeError as describe } from './host-events.ts';
import { refusalOfError } from './refusals.ts';
import { mergeFromOtherTab } from './tab-sync.ts';
import { viewedThread } from './viewed-thread.ts';
import { VisitorConversation } from './visitor-conversation.ts';

export { UNKNOWN_VISITOR } from './visitor-conversation.ts';
export type { ServerNotice, SessionState } from './session-state.ts';

export class VisitorSession extends VisitorConversation {
  /** Loads the profile and, when the visitor is already known, their conversation. */
  start(): void {
    void this.loadProfile();
    // Also a link opened later in this tab, where only the fragment changes (no page load).
    addEventListener('hashchange', this.followLink);
    if (!this.followLink()) this.carryOn();
  }

  /**
   * A follow-up email's link on the page (CONTRACT §12; on a page load the loader opened the
   * panel for it, with the same check): the panel opens, and the link is spent by its own
   * chunk, loaded only then (resume-link.ts). A chunk that cannot load leaves the panel as
   * without the link. False: the page has none.
   */
  private readonly followLink = (): boolean => {
    const linked = /#ama2_resume=/.test(location as unknown as string);
    if (linked) {
      this.host.requestOpen();
      import('./resume-link.ts').then(
        (link) => link.followLink(this),
        () => this.carryOn(),
      );
    }
    return linked;
  };

  /** The start of a page load without a link (or after one that did not open its conversation: resume-link.ts). */
  carryOn(): void {
    if (this.identity) this.adopt(this.identity, false);
    // (Or a first message kept across a reload: first-message.ts.)
    else if (this.canResolve()) void this.resume();
  }

  /**
   * A page load of a known visitor: the earlier conversation this tab was showing
   * (viewed-thread.ts), resumed by its id when the server still lists it as theirs (CONTRACT
   * §7 "my conversations"); otherwise (a token or thread no longer valid, a server without the
   * list, offline) quietly the one the server resumes, as on any visit.
   */
  private async resume(): Promise<void> {
    const viewing = viewedThread(this.key);
    const token = this.visitor.record.visitorToken;
    if (viewing && token) {
      const generation = ++this.generation;
      this.set({ phase: { kind: 'starting' } });
      const listed = await this.deps.api.listThreads(this.host.options.agent, token).then(
        ({ threads }) => threads.some((thread) => thread.id === viewing),
        () => false,
      );
      // (Something else started meanwhile: identify(), another tab, a reset.)
      if (generation !== this.generation) return;
      if (listed) return this.openEarlier(viewing);
    }
    this.begin();
  }

  async loadProfile(): Promise<void> {
    this.set({ profile: { status: 'loading' } });
    try {
      const profile = await this.deps.api.profile(this.host.options.agent);
      this.set({ profile: { status: 'ready', profile } });
      // An agent for verified visitors only: no composer for a visitor the site has not vouched for.
      if (this.state.phase.kind === 'prechat') this.askWhoItIs();
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
        this.engine.stop();
      }
      this.report(
        missing ? 'unknown_agent' : 'profile_failed',
        missing ? `There is no agent "${this.host.options.agent}".` : describe(error),
      );
    }
  }

  /** The visitor's first message (its text, its files), written before there is a conversation: it starts one (issue 23). */
  startWith(text: string, files: File[] = []): void {
    if (this.state.phase.kind !== 'prechat' || this.state.firstMessage !== null) return;
    this.firstFiles = files;
    // Kept across a reload until the outbox has it (first-message.ts); its files in IndexedDB (first-files.ts, with
    // the upload chunk: loaded, files were chosen).
    const id = keepFirst(this.key, text, files);
    if (id && files.length > 0)
      this.firstKept = import('./first-files.ts').then(
        (module) => module.keepFirstFiles(this.key, id, text, files),
        () => undefined,
      );
    this.set({ firstMessage: text, firstNames: files.map((file) => file.name) });
    // The conversation starts once the files are kept: a reload after that finds them, never the text alone.
    // (Storage that fails only loses the copy: it starts all the same.)
    const start = () => this.state.firstMessage === text && this.state.phase.kind === 'prechat' && this.begin();
    if (this.firstKept) void this.firstKept.then(start, start);
    else this.begin();
  }

  /**
   * The visitor left their email in the inline offer (already checked): a label for the
   * owners, set once (CONTRACT §7: a known visitor without one may give it later). Before
   * there is a conversation (a server that wants one first), it starts with it. False when
   * the server did not take it. Given in the offer on leaving, the panel then closes.
   */
  async leaveEmail(typed: string): Promise<boolean> {
    const email = typed.trim().toLowerCase();
    const token = this.visitor.record.visitorToken;
    if (this.state.phase.kind !== 'chat' || !token) {
      this.visitor.update({ email });
      this.set({ emailAsk: 'saved' });
      this.begin();
      return true;
    }
    try {
      const resolved = await this.deps.api.resolveThread(this.host.options.agent, { email }, token);
      const saved = resolved.email ?? email;
      this.visitor.update({ email: saved });
      // Given as they closed the panel (the offer on leaving): it closes.
      if (this.state.leaving) this.host.requestClose();
      this.set({ email: saved, emailAsk: 'saved' });
      return true;
    } catch (error) {
      this.report(ApiError.is(error) ? error.code : 'email_failed', describe(error));
      return false;
    }
  }

  /** "No thanks": the email is not asked for again on this page, unless the visitor asks for a person. */
  declineEmail(): void {
    this.set({ emailAsk: 'declined' });
  }

  /**
   * The visitor closes the panel (its close button, Escape, the launcher). The first time in a
   * conversation where they wait for an answer (awaits-answer.ts) and nobody could write to them
   * after they go, the panel offers to leave an email instead (`leaving`); closing again
   * closes. Offered once per conversation (kept in the record, so across page loads and tabs),
   * and not after "No thanks" to the inline offer on this page. A chunk that cannot load just
   * closes.
   */
  leave(): void {
    const { phase, emailAsk, leaving } = this.state;
    const close = () => this.host.requestClose();
    if (
      leaving ||
      phase.kind !== 'chat' ||
      emailAsk === 'declined' ||
      !this.wantsEmail() ||
      this.visitor.record.leaveAsked === phase.threadId
    )
      return close();
    const { engine, threadId } = phase;
    import('./closing-ui.ts')
      .then((ui) => {
        if (!ui.awaitsAnswer(engine.getThreadSnapshot(threadId).items)) return close();
        this.visitor.update({ leaveAsked: threadId });
        this.set({ leaving: ui });
      })
      .catch(close);
  }

  /** `AMA2Chat.identify()`: another person starts over; the same one updates their name or proves who they are. */
  identify(identity: VisitorIdentity): void {
    if (!identity.email && !identity.identityToken)
      return this.report('invalid_identity', 'identify() needs a valid email or identity_token.');
    this.adopt(identity, true);
  }

  protected adopt(identity: VisitorIdentity, duringVisit: boolean): void {
    const previous = this.identity;
    this.identity = identity;
    const email = identity.email?.toLowerCase() ?? null;
    // A different email than the stored one is another person (a shared computer): their token is not theirs.
    const { record } = this.visitor;
    const otherPerson = email !== null && record.email !== null && record.email.toLowerCase() !== email;
    if (otherPerson) this.visitor.record = { ...EMPTY_VISITOR };
    this.visitor.update({ email: email ?? this.visitor.record.email, name: identity.name ?? this.visitor.record.name });
    const newToken = identity.identityToken !== undefined && identity.identityToken !== previous?.identityToken;
    const running = this.state.phase.kind === 'chat' || this.state.phase.kind === 'starting';
    if (running && !otherPerson && !newToken) return this.set({ name: this.visitor.record.name });
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
    const previousThread = this.visitor.record.threadId;
    this.visitor.update({ threadId: null, senderId: null, appliedSeq: 0, unread: 0 });
    this.unread.set(0);
    if (!this.canResolve()) return this.askWhoItIs();
    this.reResolved = false;
    this.begin({ restart: { previousThread, hideThrough } });
  }

  /**
   * Opens one of the visitor's earlier conversations ("Earlier conversations", offered only in a
   * conversation of a visitor with a token), to read and write in as before (CONTRACT §7:
   * resumed with its id). The server's open conversation stays the newest one; this tab's next
   * page load shows this one again ({@link resume}).
   */
  openEarlier(threadId: string): void {
    // (The panel is open: nothing is unread. Resumed after a reload, the read position is kept.)
    if (threadId !== this.visitor.record.threadId) this.visitor.update({ threadId, appliedSeq: 0 });
    this.reResolved = false;
    this.begin({ earlier: true });
  }

  /**
   * "Talk to a person" (CONTRACT §11): asks the server for one. What follows (the escalation,
   * "waiting", someone joining) arrives in the log; a failed request leaves a notice.
   */
  async requestPerson(): Promise<void> {
    const { phase } = this.state;
    const token = this.visitor.record.visitorToken;
    if (phase.kind !== 'chat' || !token) return;
    // So the person can reach them after they leave.
    if (this.wantsEmail()) this.set({ emailAsk: 'person' });
    try {
      await this.deps.api.requestHandoff(this.host.options.agent, phase.threadId, token);
    } catch {
      // Said like any other failure ("Something went wrong. Please try again."), for a few seconds.
      this.set({ notice: { code: 'handoff_failed', retryAfterMs: null, at: this.deps.now() } });
    }
  }

  /**
   * `AMA2Chat.reset()` (a site's sign-out on a shared computer): forgets the visitor on this
   * device, the other tabs follow (tab-sync.ts), the server revokes the token, and the panel
   * starts fresh.
   */
  reset(): void {
    const token = this.visitor.record.visitorToken;
    this.startFresh();
    forgetDevice(this.deps, this.host.options, token, (message) => this.report('reset_failed', message));
  }

  /** The visitor's own "Delete this conversation" is under way. */
  private deleting?: boolean;

  /**
   * "Delete this conversation" (CONTRACT §14 "erase myself"): the server erases the visitor with
   * their conversations, then this device forgets them and the panel says it is done. False
   * when the server refused (offline, an error): nothing is deleted here either. A `401` means
   * the server has already forgotten this visitor: forgotten here too.
   */
  async deleteConversation(): Promise<boolean> {
    const token = this.visitor.record.visitorToken;
    // The erasure reaches this panel too (thread_deleted, the socket's 4001) while the request
    // runs: it is the visitor's own, said as such below, not "deleted by the website".
    this.deleting = true;
    try {
      if (token) await this.deps.api.eraseVisitor(this.host.options.agent, token);
    } catch (error) {
      if (!(ApiError.is(error) && error.status === 401)) {
        this.deleting = false;
        this.report(ApiError.is(error) ? error.code : 'delete_failed', describe(error));
        return false;
      }
    }
    this.deleting = false;
    this.startFresh();
    this.set({ gone: 'deleted' });
    return true;
  }

  /**
   * The website erased the conversation while this panel ran it (CONTRACT §14: its
   * `thread_deleted` arrived live or on catching up, the server answered `404` for it, or `401`
   * (4001 on the socket) for the token the erasure revoked, as after being offline): the
   * visitor is forgotten on this device (the token is already revoked) and the panel says so in
   * its end state (privacy-ui.ts, loaded now), also when it opens later; the typed text stays
   * for the new conversation. Never a new conversation on its own.
   */
  protected erased(): void {
    if (this.deleting) return;
    this.startFresh();
    import('./privacy-ui.ts').then(
      (ui) => ui.showErased(this),
      (error: unknown) => this.report('panel_error', describe(error)),
    );
  }

  /** The visitor read that their conversation is gone and starts a new one (the first run). */
  leaveGone(): void {
    this.set({ gone: null });
  }

  /** Nobody is known any more (a reset here or in another tab, an expired token): the conversation stops, the record goes, the first run shows. */
  startFresh(): void {
    this.generation++;
    this.engine.stop();
    this.identity = null;
    this.firstFiles = [];
    keptFirst(this.key, true);
    this.unread.set(0, false);
    this.visitor.forget();
    this.reResolved = false;
    this.set({
      email: null,
      name: null,
      notice: null,
      hiddenThroughSeq: 0,
      conversationReset: false,
      firstMessage: null,
      firstNames: [],
      firstLost: null,
      emailAsk: null,
      preview: null,
      earlier: null,
      leaving: null,
      gone: null,
    });
    this.askWhoItIs();
  }

  /** After a failed start: try the same again. */
  retry(): void {
    if (this.state.profile.status === 'failed') void this.loadProfile();
    this.reResolved = false;
    if (this.canResolve()) this.begin();
    else this.askWhoItIs();
  }

  setOpen(open: boolean): void {
    // Opened, the panel shows the reply the preview was about.
    // Closed, the offer on leaving has had its answer.
    this.set(open ? { open, preview: null } : { open, leaving: null });
    if (open) {
      this.unread.set(0);
      this.onThreadChange();
    } else if (this.state.phase.kind === 'chat') {
      this.state.phase.engine.setTyping(this.state.phase.threadId, false);
    }
  }

  /** The visitor dismissed the reply's preview (its close button, or Escape). */
  dismissPreview(): void {
    this.set({ preview: null });
  }

  /**
   * Another tab of this site saved the visitor record (tab-sync.ts). The same conversation:
   * its read position and unread count are taken in (the badge and `unread` event follow).
   * Another conversation (the visitor started one there, or a new one): this tab follows
   * it, unless it is starting one itself or stopped where the website has to act; without
   * this, its form would start a second conversation and its record overwrite the other's.
   */
  followOtherTab(theirs: VisitorRecord): void {
    const merged = mergeFromOtherTab(this.visitor.record, theirs, this.state.open);
    const phase = this.state.phase.kind;
    if (merged) {
      const newToken = merged.visitorToken !== this.visitor.record.visitorToken;
      this.visitor.record = { ...merged, unread: this.visitor.record.unread };
      this.unread.set(merged.unread, false);
      // The old token is revoked: the conversation goes on with the other tab's.
      if (newToken && (phase === 'chat' || phase === 'starting')) this.begin();
      return;
    }
    // A verified visitor does not follow a tab still on an anonymous conversation (one that has not heard yet).
    const follows =
      theirs.threadId !== null &&
      theirs.visitorToken !== null &&
      theirs.threadId !== this.visitor.record.threadId &&
      theirs.verified >= this.visitor.record.verified;
    if (!follows || (phase !== 'prechat' && phase !== 'chat')) return;
    this.visitor.record = theirs;
    this.reResolved = false;
    this.begin();
  }

  destroy(): void {
    removeEventListener('hashchange', this.followLink);
    this.engine.stop();
    this.generation++;
    this.destroyed = true;
    this.listeners.clear();
  }
}

function latestSeq(engine: SyncEngine, threadId: string): number {
  return engine.getThreadSnapshot(threadId).health.appliedSeq;
}

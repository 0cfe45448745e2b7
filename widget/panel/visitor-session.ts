/**
 * The panel's state outside the UI (framework-free, one per mounted panel): the agent's
 * profile, who the visitor is, which thread they are in, the engine that keeps it live, and
 * what the loader is told (unread count, messages, errors). The UI reads it through
 * `subscribe` / `getState`; every async step is guarded, so nothing throws to the host page.
 */
import { ApiError } from '../../src/core/api/api-error.ts';
import type { Activity, SyncEngine } from '../../src/core/engine/sync-engine.ts';
import type { AgentProfile } from '../../src/core/protocol/rest-schemas.ts';
import type { PanelHost } from '../shared/panel-contract.ts';
import { loadVisitor, saveVisitor, visitorKey, type VisitorRecord } from '../shared/visitor-store.ts';
import type { WidgetEventMap, WidgetEventName } from '../shared/widget-events.ts';
import { emailProblem } from './email.ts';
import type { PanelDeps } from './panel-deps.ts';
import { visitorSenderOf } from './visitor-identity.ts';

/** Messages already reported to the host page, remembered so a message is reported once. */
const MAX_REMEMBERED_MESSAGES = 500;
/**
 * Stands in for the visitor's sender id on a server whose history names no visitor yet; the
 * real one is learnt from the visitor's first sent message.
 */
export const UNKNOWN_VISITOR = 'visitor:unknown';

export type ProfileState = { status: 'loading' } | { status: 'ready'; profile: AgentProfile } | { status: 'missing' } | { status: 'failed' };

export type ConversationPhase =
  /** Asking who the visitor is. `problem`: what the server said about the last try. */
  | { kind: 'prechat'; problem: 'invalid_email' | null }
  | { kind: 'starting' }
  | { kind: 'start-failed'; code: string; retryAfterMs: number | null }
  | { kind: 'chat'; threadId: string; selfSenderId: string; engine: SyncEngine };

/** An `error` frame the server sent on the live connection, for the panel to explain. */
export interface ServerNotice {
  code: string;
  retryAfterMs: number | null;
  /** Epoch ms it arrived. */
  at: number;
}

export interface SessionState {
  profile: ProfileState;
  phase: ConversationPhase;
  /** The panel is shown. */
  open: boolean;
  email: string | null;
  name: string | null;
  /**
   * "New conversation" on a server that resumes the same thread for the same email: the
   * history up to here is hidden, so the visitor starts over at least on screen.
   */
  hiddenThroughSeq: number;
  notice: ServerNotice | null;
}

type Identity = { email: string; name?: string | null };

export class VisitorSession {
  private state: SessionState;
  private readonly listeners = new Set<() => void>();
  private readonly key: string;
  private record: VisitorRecord;
  private engine: SyncEngine | null = null;
  private unsubscribers: (() => void)[] = [];
  /** Bumped whenever the conversation restarts: late answers of an older start are ignored. */
  private generation = 0;
  private destroyed = false;
  private readonly reported = new Set<string>();
  /** A thread resolved just now (not resumed from storage) starts read up to its history. */
  private baselinePending = false;

  constructor(
    private readonly host: PanelHost,
    private readonly deps: PanelDeps,
  ) {
    this.key = visitorKey(host.options.apiBaseUrl, host.options.agent);
    this.record = loadVisitor(this.key, deps.storage);
    this.state = {
      profile: { status: 'loading' },
      phase: { kind: 'prechat', problem: null },
      open: false,
      email: null,
      name: null,
      hiddenThroughSeq: 0,
      notice: null,
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
    const identity = this.host.identity;
    if (identity && !emailProblem(identity.email)) this.adopt(identity);
    else if (this.record.email) this.begin(this.record.email, this.record.name);
  }

  async loadProfile(): Promise<void> {
    this.set({ profile: { status: 'loading' } });
    try {
      const profile = await this.deps.api.profile(this.host.options.agent);
      this.set({ profile: { status: 'ready', profile } });
    } catch (error) {
      const missing = ApiError.is(error) && error.status === 404;
      this.set({ profile: { status: missing ? 'missing' : 'failed' } });
      if (missing) {
        // No such agent: a conversation being started with it is abandoned.
        this.generation++;
        this.stopEngine();
      }
      this.report(missing ? 'unknown_agent' : 'profile_failed', missing ? `There is no agent "${this.host.options.agent}".` : describe(error));
    }
  }

  /** The pre-chat form was sent (already validated). */
  submitPrechat(email: string, name: string): void {
    this.adopt({ email: email.trim(), name: name.trim() || null });
  }

  /** `AMA2Chat.identify()`: another person starts over, the same one just updates their name. */
  identify(identity: Identity): void {
    const problem = emailProblem(identity.email);
    if (problem) return this.report('invalid_identity', 'identify() needs a valid email address.');
    this.adopt(identity);
  }

  private adopt(identity: Identity): void {
    const email = identity.email.trim();
    const name = identity.name?.trim() || null;
    const same = this.record.email?.toLowerCase() === email.toLowerCase();
    if (!same) this.record = { threadId: null, email, name, senderId: null, appliedSeq: 0, unread: 0 };
    else if (name) this.record = { ...this.record, name };
    this.save();
    const running = this.state.phase.kind === 'chat' || this.state.phase.kind === 'starting';
    if (same && running) return this.set({ name: this.record.name });
    this.begin(email, this.record.name);
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
    const email = this.record.email;
    if (!email) return this.set({ phase: { kind: 'prechat', problem: null } });
    this.begin(email, this.record.name, { previousThread, hideThrough });
  }

  /** After a failed start: try the same again. */
  retry(): void {
    if (this.state.profile.status === 'failed') void this.loadProfile();
    const email = this.record.email;
    if (email) this.begin(email, this.record.name);
    else this.set({ phase: { kind: 'prechat', problem: null } });
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

  destroy(): void {
    this.stopEngine();
    this.generation++;
    this.destroyed = true;
    this.listeners.clear();
  }

  // ---- starting a conversation ---------------------------------------------------------

  private begin(email: string, name: string | null, restart: { previousThread: string | null; hideThrough: number } | null = null): void {
    const generation = ++this.generation;
    this.stopEngine();
    this.set({ phase: { kind: 'starting' }, email, name, notice: null, hiddenThroughSeq: 0 });
    this.connect(generation, email, name, restart).catch((error: unknown) => {
      if (generation !== this.generation) return;
      const code = ApiError.is(error) ? error.code : 'start_failed';
      if (code === 'client_error' && !this.host.identity) this.set({ phase: { kind: 'prechat', problem: 'invalid_email' } });
      else this.set({ phase: { kind: 'start-failed', code, retryAfterMs: ApiError.is(error) ? error.retryAfterMs : null } });
      this.report(code, describe(error));
    });
  }

  private async connect(generation: number, email: string, name: string | null, restart: { previousThread: string | null; hideThrough: number } | null): Promise<void> {
    const { api } = this.deps;
    const slug = this.host.options.agent;
    let threadId = this.record.threadId;
    let resumedFromStorage = threadId !== null;
    if (!threadId) threadId = restart ? await this.freshThread(email, name) : (await api.resolveThread(slug, email, name)).thread_id;
    if (generation !== this.generation) return;

    let selfSenderId = this.record.threadId === threadId ? this.record.senderId : null;
    if (!selfSenderId) {
      try {
        const page = await api.pollEvents(slug, threadId, email, 0);
        selfSenderId = visitorSenderOf(page.events);
      } catch (error) {
        // A thread remembered from an earlier visit may be gone: resolve a current one instead.
        if (!(resumedFromStorage && ApiError.is(error) && error.status === 404)) throw error;
        threadId = (await api.resolveThread(slug, email, name)).thread_id;
        resumedFromStorage = false;
        selfSenderId = visitorSenderOf((await api.pollEvents(slug, threadId, email, 0)).events);
      }
      if (generation !== this.generation) return;
    }

    const sameThread = restart !== null && restart.previousThread === threadId;
    this.baselinePending = !resumedFromStorage && this.record.appliedSeq === 0 && !sameThread;
    this.record = { ...this.record, email, name, threadId, senderId: selfSenderId ?? this.record.senderId };
    this.save();

    const engine = this.deps.createEngine({ serverUrl: this.host.options.apiBaseUrl, slug, email, threadId, selfSenderId: selfSenderId ?? UNKNOWN_VISITOR });
    this.engine = engine;
    const thread = threadId;
    this.unsubscribers.push(
      engine.subscribeThread(thread, () => this.onThreadChange()),
      engine.onActivity((activity) => this.onActivity(activity)),
    );
    this.set({
      phase: { kind: 'chat', threadId: thread, selfSenderId: selfSenderId ?? UNKNOWN_VISITOR, engine },
      hiddenThroughSeq: sameThread ? restart.hideThrough : 0,
    });
    const failed = (error: unknown) => {
      if (generation === this.generation) this.report('engine_failed', describe(error));
    };
    engine.start().catch(failed);
    engine.openThread(thread).catch(failed);
  }

  /**
   * A new thread for "new conversation" ([ext] `fresh`). A server without it refuses the
   * field (400) or ignores it and resumes the open thread; either way the visitor gets that
   * thread, and `connect` hides its history.
   */
  private async freshThread(email: string, name: string | null): Promise<string> {
    const slug = this.host.options.agent;
    try {
      return (await this.deps.api.startNewThread(slug, email, name)).thread_id;
    } catch (error) {
      if (!(ApiError.is(error) && error.code === 'client_error')) throw error;
      return (await this.deps.api.resolveThread(slug, email, name)).thread_id;
    }
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

  private setUnread(count: number): void {
    if (count === this.record.unread) return;
    this.record = { ...this.record, unread: count };
    this.save();
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
    let message: { id: string; senderId: string; content: string; seq: number | null; clientMessageId: string | null } | null = null;
    if (activity.kind === 'message') {
      const { id, sender_id, content, thread_seq, client_message_id } = activity.message;
      message = { id, senderId: sender_id, content, seq: thread_seq ?? null, clientMessageId: client_message_id ?? null };
    } else if (activity.kind === 'event' && activity.event.event_type === 'message_committed') {
      const { event } = activity;
      const id = typeof event.data?.message_id === 'string' ? event.data.message_id : (event.event_id ?? `seq:${event.thread_seq}`);
      const clientMessageId = typeof event.data?.client_message_id === 'string' ? event.data.client_message_id : null;
      message = { id, senderId: event.sender_id ?? 'system', content: event.content ?? '', seq: event.thread_seq, clientMessageId };
    }
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
    const email = this.record.email;
    if (!senderId.startsWith('visitor:') || !email) return;
    this.record = { ...this.record, senderId };
    this.save();
    this.begin(email, this.record.name);
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

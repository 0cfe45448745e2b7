/**
 * Test support: the panel mounted as the loader mounts it (a container in a shadow root,
 * a fake host), with a fake chat server behind the public API and a real sync engine on a
 * {@link FakeConnection}. No network: every answer is computed from `server.events`.
 */
import { act } from 'preact/test-utils';
import { vi, type Mock } from 'vitest';
import { ApiError } from '../../../src/core/api/api-error.ts';
import {
  publicThreadSource,
  watchRefusals,
  type PublicApi,
  type ResolveInput,
  type VisitorCredentials,
} from '../../../src/core/api/public-api.ts';
import { SyncEngine } from '../../../src/core/engine/sync-engine.ts';
import type { SendMessageInput } from '../../../src/core/protocol/client-frames.ts';
import type { AgentProfile, VisitorThreadList } from '../../../src/core/protocol/rest-schemas.ts';
import type { InboundEvent, InboundMessage } from '../../../src/core/protocol/server-frame-schemas.ts';
import { MemoryOutboxStore } from '../../../src/core/sync/outbox-store.ts';
import { FakeEnvironment } from '../../../src/core/testing/fake-environment.ts';
import type { VisitorIdentity } from '../../shared/identify-options.ts';
import type { PanelController, PanelHost } from '../../shared/panel-contract.ts';
import type { EngineInput } from '../panel-deps.ts';
import { visitorKey, type VisitorRecord } from '../../shared/visitor-store.ts';
import type { WidgetOptions } from '../../shared/widget-options.ts';
import { createPanel } from '../create-panel.tsx';
import { loadStrings } from '../i18n.ts';
import { FakeConnection } from '../../../src/core/testing/fake-connection.ts';
import { StorageHub, type TabStorage } from './storage-hub.ts';

export const SERVER = 'https://chat.example';
export const THREAD = 'thread-1';
export const VISITOR = 'visitor:v-1';
export const AGENT = 'agent:a-1';
/** The visitor tokens the fake server issues: `TOKEN` first, then `vt_…2`, `vt_…3` after resets. */
export const TOKEN = tokenNumber(1);
export function tokenNumber(n: number): string {
  return `vt_${String(n).padStart(43, 'x')}`;
}
const PROFILE: AgentProfile = {
  slug: 'demo',
  name: 'Demo Agent',
  avatar_url: null,
  greeting: 'Hi! Ask me anything.',
  theme: { color: '#0f766e' },
  expected_reply_minutes: null,
};

/** A Storage kept in memory, one per test. */
export class MemoryStorage implements Storage {
  private readonly map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  key(index: number) {
    return [...this.map.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
}

/**
 * The chat server's side: one public thread, its log, and what it answers. It issues visitor
 * tokens like the real one: a known token resumes; no token or an unknown one (after
 * {@link FakeServer.resetData}) gets a new token and the current thread.
 */
export class FakeServer {
  events: InboundEvent[] = [];
  threadId = THREAD;
  /** Set to make `profile` or `resolveThread` fail. */
  profileError: ApiError | null = null;
  resolveError: ApiError | null = null;
  /** Set to make history fail (e.g. 401 after a reset). */
  historyError: ApiError | null = null;
  /** The [ext] "new conversation" (`fresh: true`) is implemented; else the open thread is resumed. */
  supportsFresh = false;
  /** Answers with the visitor token, `sender_id`, `verified` and `email` ([ext]); off: a seed-only server. */
  issuesTokens = true;
  /** Resolve answers carry `sender_id` (else the widget reads it from the history). */
  tellsSender = false;
  /** The agent's profile says only verified visitors may chat. */
  requireVerified = false;
  /** A new visitor needs an email (a seed-only server); ours starts one without. */
  requiresEmail = false;
  /** The profile's [ext] expected reply time. */
  replyMinutes: number | null = null;
  /** Set to make "Talk to a person" fail. */
  handoffError: ApiError | null = null;
  /** The thread waits for a person (CONTRACT §11): a repeated request commits nothing. */
  waiting = false;
  readonly tokens = new Set<string>();
  /** Tokens unused longer than the server's idle limit: refused with 401, also by resolve without an identity token. */
  readonly expiredTokens = new Set<string>();
  private readonly revoked = new Set<string>();
  /** Tokens whose visitor an identity token vouched for. */
  private readonly verifiedTokens = new Set<string>();
  private tokenCount = 0;
  private messageCount = 0;
  private threadCount = 1;

  constructor() {
    this.seed();
  }

  private seed() {
    this.commit({ event_type: 'participant_joined', sender_id: VISITOR, data: { sender_id: VISITOR, name: 'Ada' } });
    this.commit({ event_type: 'participant_joined', sender_id: AGENT, data: { sender_id: AGENT, name: 'Demo Agent' } });
  }

  private newThread() {
    this.threadId = `thread-${++this.threadCount}`;
    this.events = [];
    this.seed();
  }

  /** The server's database was reset: every token is unknown, and the next visitor gets a new thread. */
  resetData() {
    this.tokens.clear();
    this.verifiedTokens.clear();
    // Tokens issued from now on differ from every earlier one.
    this.tokenCount += 10;
    this.newThread();
  }

  get lastSeq(): number {
    return this.events.length;
  }

  commit(event: { event_type: string; sender_id?: string; content?: string | null; data?: Record<string, unknown> }): InboundEvent {
    const seq = this.events.length + 1;
    const committed: InboundEvent = {
      event_id: `e-${seq}`,
      thread_id: this.threadId,
      thread_seq: seq,
      created_at: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
      ...event,
    };
    this.events.push(committed);
    return committed;
  }

  /** Commits a message and returns it as a `thread_message` frame would carry it. */
  message(senderId: string, content: string, clientMessageId: string | null = null): InboundMessage {
    const id = `m-${++this.messageCount}`;
    const role = senderId.startsWith('agent:') ? 'agent' : 'user';
    const event = this.commit({
      event_type: 'message_committed',
      sender_id: senderId,
      content,
      data: { message_id: id, role, client_message_id: clientMessageId },
    });
    return {
      id,
      thread_id: this.threadId,
      thread_seq: event.thread_seq,
      sender_id: senderId,
      role,
      content,
      client_message_id: clientMessageId,
      created_at: event.created_at,
    };
  }

  private resolve(input: ResolveInput, token: string | null) {
    if (this.resolveError) throw this.resolveError;
    if (token !== null && this.expiredTokens.has(token) && !input.identity_token)
      throw new ApiError('unauthorized', 'This visitor token has expired (unused for 90 days); start a new conversation.', false, 401);
    const known = token !== null && this.tokens.has(token);
    if (input.identity_token === 'bad.identity.token')
      throw new ApiError('identity_invalid', 'The identity token is not valid.', false, 401);
    if (!known && !input.identity_token && this.requireVerified)
      throw new ApiError('identity_required', 'This chat needs a verified identity.', false, 401);
    if (!known && !input.identity_token && !input.email && this.requiresEmail)
      throw new ApiError('client_error', 'email is required', false, 400);
    let resumed = known;
    // A server without [ext] `fresh` ignores it and resumes the open thread.
    if (input.fresh && this.supportsFresh) {
      this.newThread();
      resumed = false;
    }
    if (!this.issuesTokens) return { thread_id: this.threadId, resumed };
    // An anonymous visitor who proves an identity gets a new token; the old one is revoked (session fixation).
    const upgrade = known && input.identity_token && !this.verifiedTokens.has(token);
    if (upgrade) this.revoke(token);
    const issued = known && !upgrade ? token : this.newToken();
    this.tokens.add(issued);
    if (input.identity_token) this.verifiedTokens.add(issued);
    return {
      thread_id: this.threadId,
      resumed,
      visitor_token: issued,
      verified: this.verifiedTokens.has(issued),
      email: input.email ?? null,
      ...(this.tellsSender ? { sender_id: VISITOR } : {}),
    };
  }

  /** The next token number nobody holds or held (a test's stored record may hold one already). */
  private newToken(): string {
    let token: string;
    do token = tokenNumber(++this.tokenCount);
    while (this.tokens.has(token) || this.revoked.has(token));
    return token;
  }

  private revoke(token: string) {
    this.tokens.delete(token);
    this.verifiedTokens.delete(token);
    this.revoked.add(token);
  }

  private checkCredentials(credentials: VisitorCredentials) {
    if (this.historyError) throw this.historyError;
    if (credentials.visitorToken && this.expiredTokens.has(credentials.visitorToken))
      throw new ApiError('unauthorized', 'This visitor token has expired (unused for 90 days); start a new conversation.', false, 401);
    if (this.issuesTokens && !(credentials.visitorToken && this.tokens.has(credentials.visitorToken)))
      throw new ApiError('unauthorized', 'invalid visitor token', false, 401);
  }

  readonly api: { [K in keyof PublicApi]: Mock<PublicApi[K]> } = {
    profile: vi.fn(async () => {
      if (this.profileError) throw this.profileError;
      return { ...PROFILE, require_verified_identity: this.requireVerified, expected_reply_minutes: this.replyMinutes };
    }),
    resolveThread: vi.fn(async (_slug: string, input: ResolveInput, token: string | null) => this.resolve(input, token)),
    pollEvents: vi.fn(async (_slug: string, _threadId: string, credentials: VisitorCredentials, afterSeq: number, limit = 50) => {
      this.checkCredentials(credentials);
      const after = this.events.filter((event) => event.thread_seq > afterSeq);
      return { events: after.slice(0, limit), has_more: after.length > limit };
    }),
    sendMessage: vi.fn(async (_slug: string, _threadId: string, credentials: VisitorCredentials, body: SendMessageInput) => {
      this.checkCredentials(credentials);
      return this.message(VISITOR, body.content, body.client_message_id);
    }),
    // A seed-only server: "my conversations" is not there (CONTRACT §7 [ext]).
    listThreads: vi.fn(async (): Promise<VisitorThreadList> => {
      throw new ApiError('not_found', 'Not found.', false, 404);
    }),
    forgetVisitorToken: vi.fn(async (_slug: string, token: string) => this.revoke(token)),
    eraseVisitor: vi.fn(async (_slug: string, token: string) => {
      this.checkCredentials({ visitorToken: token, email: null });
      this.revoke(token);
    }),
    // As the contract has it: `escalation_created {to: "human", reason: "visitor_request"}`, then `waiting`.
    requestHandoff: vi.fn(async (_slug: string, _threadId: string, token: string) => {
      this.checkCredentials({ visitorToken: token, email: null });
      if (this.handoffError) throw this.handoffError;
      if (this.waiting) return;
      this.waiting = true;
      this.commit({ event_type: 'escalation_created', sender_id: VISITOR, data: { to: 'human', reason: 'visitor_request' } });
      this.commit({ event_type: 'status_changed', sender_id: 'system', data: { status: 'waiting', previous: 'open', by: 'system' } });
    }),
  };
}

export interface HarnessOptions {
  locale?: string;
  identity?: VisitorIdentity | null;
  record?: Partial<VisitorRecord>;
  themeColor?: string | null;
  server?: FakeServer;
  /** The server knows the record's visitor token (default true). */
  tokenKnown?: boolean;
  /** Another tab of the same site: panels mounted with one hub share their storage (default: a hub of its own). */
  tabs?: StorageHub;
}

type TestHost = PanelHost & { emit: Mock<PanelHost['emit']>; setUnread: Mock<(count: number) => void>; requestClose: Mock<() => void> };

export interface Harness {
  host: TestHost;
  server: FakeServer;
  storage: TabStorage;
  /** The connection of the latest engine (each engine gets its own, as in the browser). */
  readonly connection: FakeConnection;
  controller: PanelController;
  shadowRoot: ShadowRoot;
  /** The engine of the running conversation, if one started. */
  engine(): SyncEngine | null;
  /** What each engine was created with, in order. */
  engineInputs: EngineInput[];
  /** Events the panel sent to the page with this name, in order. */
  events(name: string): unknown[];
  dialog(): HTMLElement;
  record(): VisitorRecord;
  /** Lets promises settle and renders happen. */
  settle(): Promise<void>;
}

const mounted: Harness[] = [];

/** Runs pending promises and preact's debounced renders until quiet. */
async function settle(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await act(async () => {
      for (let i = 0; i < 20; i++) await Promise.resolve();
    });
  }
}

export async function mountTestPanel(options: HarnessOptions = {}): Promise<Harness> {
  const server = options.server ?? new FakeServer();
  const tabs = options.tabs ?? new StorageHub();
  const storage = tabs.tab();
  const widgetOptions: WidgetOptions = {
    agent: 'demo',
    apiBaseUrl: SERVER,
    position: 'right',
    zIndex: 2_147_483_000,
    themeColor: options.themeColor ?? null,
    locale: options.locale ?? 'en',
    openOnLoad: false,
    theme: 'auto',
    consent: false,
  };
  if (options.record) {
    const record = {
      threadId: null,
      visitorToken: null,
      verified: false,
      email: null,
      name: null,
      senderId: null,
      appliedSeq: 0,
      unread: 0,
      ...options.record,
    };
    // A stored token is one the server issued (until a test resets the server's data).
    if (record.visitorToken && options.tokenKnown !== false) server.tokens.add(record.visitorToken);
    // (Before this panel watches: another tab that is open already hears it, as it would.)
    storage.setItem(visitorKey(SERVER, 'demo'), JSON.stringify(record));
  }
  const element = document.createElement('div');
  document.body.append(element);
  const shadowRoot = element.attachShadow({ mode: 'open' });
  const container = document.createElement('div');
  shadowRoot.append(container);
  const host: TestHost = {
    container,
    shadowRoot,
    options: widgetOptions,
    identity: options.identity ?? null,
    emit: vi.fn(),
    setUnread: vi.fn(),
    requestClose: vi.fn(),
    requestOpen: vi.fn(),
  };
  let connection = new FakeConnection();
  let engineCount = 0;
  let engine: SyncEngine | null = null;
  const engineInputs: EngineInput[] = [];
  const environment = new FakeEnvironment();
  environment.immediateFrames = true;

  let controller!: PanelController;
  await act(() => {
    controller = createPanel(host, {
      api: server.api,
      storage,
      watchStorage: (watcher) => tabs.watch(storage, watcher),
      now: () => Date.now(),
      createEngine: (input) => {
        engineInputs.push(input);
        if (engineCount++ > 0) connection = new FakeConnection();
        engine = new SyncEngine({
          connection,
          source: watchRefusals(
            publicThreadSource(server.api, input.slug, { visitorToken: input.visitorToken, email: input.email }),
            input.onRefused,
          ),
          outboxStore: new MemoryOutboxStore(),
          environment,
          selfSenderId: input.selfSenderId,
        });
        return engine;
      },
    });
  });
  const harness: Harness = {
    host,
    server,
    storage,
    get connection() {
      return connection;
    },
    controller,
    shadowRoot,
    engine: () => engine,
    engineInputs,
    events: (name) => host.emit.mock.calls.filter(([event]) => event === name).map(([, payload]) => payload),
    dialog: () => container.querySelector<HTMLElement>('[role="dialog"]')!,
    record: () => JSON.parse(storage.getItem(visitorKey(SERVER, 'demo')) ?? 'null') as VisitorRecord,
    settle,
  };
  mounted.push(harness);
  // A German panel renders once its words' chunk has loaded (i18n.ts loadStrings).
  await act(async () => void (await loadStrings(widgetOptions.locale)));
  await settle();
  return harness;
}

/** Destroys every panel mounted in the test (use in afterEach). */
export function unmountAll(): void {
  for (const harness of mounted.splice(0)) {
    act(() => harness.controller.destroy());
    (harness.shadowRoot.host as HTMLElement).remove();
  }
  // The tab's "panel open" flag (visitor-store.ts rememberOpen): the next test is a new tab.
  sessionStorage.clear();
}

/** Types into a textarea or input the way a person does (value, then an input event). */
export function typeInto(field: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  act(() => {
    field.value = value;
    field.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

export function press(target: Element, key: string, init: KeyboardEventInit = {}): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  act(() => {
    target.dispatchEvent(event);
  });
  return event;
}

/**
 * Test support: the panel mounted as the loader mounts it (a container in a shadow root,
 * a fake host), with a fake chat server behind the public API and a real sync engine on a
 * {@link FakeConnection}. No network: every answer is computed from `server.events`.
 */
import { act } from 'preact/test-utils';
import { vi, type Mock } from 'vitest';
import type { ApiError } from '../../../src/core/api/api-error.ts';
import { publicThreadSource, type PublicApi } from '../../../src/core/api/public-api.ts';
import { SyncEngine } from '../../../src/core/engine/sync-engine.ts';
import type { SendMessageInput } from '../../../src/core/protocol/client-frames.ts';
import type { AgentProfile } from '../../../src/core/protocol/rest-schemas.ts';
import type { InboundEvent, InboundMessage } from '../../../src/core/protocol/server-frame-schemas.ts';
import { MemoryOutboxStore } from '../../../src/core/sync/outbox-store.ts';
import { FakeEnvironment } from '../../../src/core/testing/fake-environment.ts';
import type { PanelController, PanelHost } from '../../shared/panel-contract.ts';
import { visitorKey, type VisitorRecord } from '../../shared/visitor-store.ts';
import type { WidgetOptions } from '../../shared/widget-options.ts';
import { createPanel } from '../create-panel.tsx';
import { FakeConnection } from '../../../src/core/testing/fake-connection.ts';

export const SERVER = 'https://chat.example';
export const THREAD = 'thread-1';
export const VISITOR = 'visitor:v-1';
export const AGENT = 'agent:a-1';
export const PROFILE: AgentProfile = { slug: 'demo', name: 'Demo Agent', avatar_url: null, greeting: 'Hi! Ask me anything.', theme: { color: '#0f766e' } };

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

/** The chat server's side: one public thread, its log, and what it answers. */
export class FakeServer {
  events: InboundEvent[] = [];
  threadId = THREAD;
  /** Set to make `profile` or `resolveThread` fail. */
  profileError: ApiError | null = null;
  resolveError: ApiError | null = null;
  /** The [ext] "new conversation" (`fresh: true`) is implemented; else the open thread is resumed. */
  supportsFresh = false;
  private messageCount = 0;
  private threadCount = 1;

  constructor() {
    this.seed();
  }

  private seed() {
    this.commit({ event_type: 'participant_joined', sender_id: VISITOR, data: { sender_id: VISITOR, name: 'Ada' } });
    this.commit({ event_type: 'participant_joined', sender_id: AGENT, data: { sender_id: AGENT, name: 'Demo Agent' } });
  }

  get lastSeq(): number {
    return this.events.length;
  }

  commit(event: { event_type: string; sender_id?: string; content?: string | null; data?: Record<string, unknown> }): InboundEvent {
    const seq = this.events.length + 1;
    const committed: InboundEvent = { event_id: `e-${seq}`, thread_id: this.threadId, thread_seq: seq, created_at: new Date(1_700_000_000_000 + seq * 1000).toISOString(), ...event };
    this.events.push(committed);
    return committed;
  }

  /** Commits a message and returns it as a `thread_message` frame would carry it. */
  message(senderId: string, content: string, clientMessageId: string | null = null): InboundMessage {
    const id = `m-${++this.messageCount}`;
    const role = senderId.startsWith('agent:') ? 'agent' : 'user';
    const event = this.commit({ event_type: 'message_committed', sender_id: senderId, content, data: { message_id: id, role, client_message_id: clientMessageId } });
    return { id, thread_id: this.threadId, thread_seq: event.thread_seq, sender_id: senderId, role, content, client_message_id: clientMessageId, created_at: event.created_at };
  }

  readonly api: { [K in keyof PublicApi]: Mock<PublicApi[K]> } = {
    profile: vi.fn(async () => {
      if (this.profileError) throw this.profileError;
      return PROFILE;
    }),
    resolveThread: vi.fn(async () => {
      if (this.resolveError) throw this.resolveError;
      return { thread_id: this.threadId, resumed: this.events.length > 2 };
    }),
    startNewThread: vi.fn(async () => {
      if (this.resolveError) throw this.resolveError;
      if (!this.supportsFresh) return { thread_id: this.threadId, resumed: true };
      this.threadId = `thread-${++this.threadCount}`;
      this.events = [];
      this.seed();
      return { thread_id: this.threadId, resumed: false };
    }),
    pollEvents: vi.fn(async (_slug: string, _threadId: string, _email: string, afterSeq: number, limit = 50) => {
      const after = this.events.filter((event) => event.thread_seq > afterSeq);
      return { events: after.slice(0, limit), has_more: after.length > limit };
    }),
    sendMessage: vi.fn(async (_slug: string, _threadId: string, _email: string, body: SendMessageInput) => this.message(VISITOR, body.content, body.client_message_id)),
  };
}

export interface HarnessOptions {
  locale?: string;
  identity?: { email: string; name?: string } | null;
  record?: Partial<VisitorRecord>;
  themeColor?: string | null;
  server?: FakeServer;
}

export type TestHost = PanelHost & { emit: Mock<PanelHost['emit']>; setUnread: Mock<(count: number) => void>; requestClose: Mock<() => void> };

export interface Harness {
  host: TestHost;
  server: FakeServer;
  storage: MemoryStorage;
  connection: FakeConnection;
  controller: PanelController;
  shadowRoot: ShadowRoot;
  /** The engine of the running conversation, if one started. */
  engine(): SyncEngine | null;
  dialog(): HTMLElement;
  record(): VisitorRecord;
  /** Lets promises settle and renders happen. */
  settle(): Promise<void>;
}

const mounted: Harness[] = [];

/** Runs pending promises and preact's debounced renders until quiet. */
export async function settle(): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await act(async () => {
      for (let i = 0; i < 20; i++) await Promise.resolve();
    });
  }
}

export async function mountTestPanel(options: HarnessOptions = {}): Promise<Harness> {
  const server = options.server ?? new FakeServer();
  const storage = new MemoryStorage();
  const widgetOptions: WidgetOptions = {
    agent: 'demo',
    apiBaseUrl: SERVER,
    position: 'right',
    zIndex: 2_147_483_000,
    themeColor: options.themeColor ?? null,
    locale: options.locale ?? 'en',
    openOnLoad: false,
  };
  if (options.record) {
    storage.setItem(visitorKey(SERVER, 'demo'), JSON.stringify({ threadId: null, email: null, name: null, senderId: null, appliedSeq: 0, unread: 0, ...options.record }));
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
  };
  const connection = new FakeConnection();
  let engine: SyncEngine | null = null;
  const environment = new FakeEnvironment();
  environment.immediateFrames = true;

  let controller!: PanelController;
  await act(() => {
    controller = createPanel(host, {
      api: server.api,
      storage,
      now: () => Date.now(),
      createEngine: (input) => {
        engine = new SyncEngine({
          connection,
          source: publicThreadSource(server.api, input.slug, input.email),
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
    connection,
    controller,
    shadowRoot,
    engine: () => engine,
    dialog: () => container.querySelector<HTMLElement>('[role="dialog"]')!,
    record: () => JSON.parse(storage.getItem(visitorKey(SERVER, 'demo')) ?? 'null') as VisitorRecord,
    settle,
  };
  mounted.push(harness);
  await settle();
  return harness;
}

/** Destroys every panel mounted in the test (use in afterEach). */
export function unmountAll(): void {
  for (const harness of mounted.splice(0)) {
    act(() => harness.controller.destroy());
    (harness.shadowRoot.host as HTMLElement).remove();
  }
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

/**
 * What a scene of `npm run screens` is, and the world its functions get: Alice and Bob through
 * the REST API of the screens' own server, and a few waits on the server's log.
 */
import { expect, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { ALICE, BOB, UserApi, type AgentJson, type EventJson, type ThreadJson } from '../support/inbox.ts';

/** The viewports a shot is taken at (CSS px, at device scale factor 1). */
export const DEVICES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

export type Device = keyof typeof DEVICES;
export type Scheme = 'light' | 'dark';

/** How often, and how long, a scene's preparation reads the log while it waits for the demo agent. */
const LOG_POLL_MS = 100;
const LOG_WAIT_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a scene starts from: a server of its own with the demo world (Alice, Bob, the demo agent, their Welcome thread) and nothing else. */
export class ScreenWorld {
  private constructor(
    private readonly request: APIRequestContext,
    /** Alice, through the REST API. */
    readonly alice: UserApi,
    /** Bob, through the REST API. */
    readonly bob: UserApi,
    /** The seeded demo agent (`/approve`, `/tool`, `/escalate`…: README, "The demo agent"). */
    readonly demoAgent: AgentJson,
  ) {}

  private get aliceHeaders() {
    return { authorization: `Bearer ${this.alice.me.token}` };
  }

  /** Signs Alice and Bob in on the server `request` points at. */
  static async open(request: APIRequestContext): Promise<ScreenWorld> {
    const alice = await UserApi.login(request, ALICE, '');
    const bob = await UserApi.login(request, BOB, '');
    return new ScreenWorld(request, alice, bob, await alice.demoAgent());
  }

  /** Alice's new thread with Bob (and the demo agent with `agent: true`), titled exactly `title`. */
  async startThread(title: string, options: { agent?: boolean } = {}): Promise<ThreadJson> {
    return this.alice.createThread({ with: [this.bob], agents: options.agent ? [this.demoAgent] : [], title });
  }

  /** Alice sets the thread's participation mode (a `mode_changed` line in the timeline). */
  async setMode(threadId: string, mode: 'open' | 'invocation_only'): Promise<void> {
    const response = await this.request.put(`/api/v1/chat/threads/${threadId}/mode`, {
      headers: this.aliceHeaders,
      data: { participation_mode: mode },
    });
    expect(response.status(), await response.text()).toBe(200);
  }

  /** Alice sets the demo agent's expected reply time (agent settings), which the widget shows under the greeting. */
  async setExpectedReply(minutes: number | null): Promise<void> {
    const path = `/api/v1/agents/${this.demoAgent.slug}/settings`;
    const current = await this.request.get(path, { headers: this.aliceHeaders });
    expect(current.status(), await current.text()).toBe(200);
    const response = await this.request.put(path, {
      headers: this.aliceHeaders,
      data: { ...((await current.json()) as object), expected_reply_minutes: minutes },
    });
    expect(response.status(), await response.text()).toBe(200);
  }

  /** Alice takes a conversation over from the agent (CONTRACT §11), so her replies are a person's. */
  async takeOver(threadId: string): Promise<void> {
    const response = await this.request.post(`/api/v1/chat/threads/${threadId}/takeover`, { headers: this.aliceHeaders, data: {} });
    expect(response.status(), await response.text()).toBeLessThan(300);
  }

  /**
   * Waits until the thread's log satisfies `done` (the demo agent answers asynchronously);
   * `what` names the wait in the error.
   */
  async waitForLog(threadId: string, what: string, done: (events: EventJson[]) => boolean): Promise<void> {
    const deadline = Date.now() + LOG_WAIT_MS;
    for (;;) {
      if (done(await this.alice.events(threadId))) return;
      if (Date.now() > deadline) throw new Error(`the thread's log never had ${what}`);
      await sleep(LOG_POLL_MS);
    }
  }

  /** Waits until the demo agent has committed `count` messages in the thread. */
  async waitForAgentReplies(threadId: string, count = 1): Promise<void> {
    await this.waitForLog(
      threadId,
      `${count} message(s) of the demo agent`,
      (events) =>
        events.filter((event) => event.event_type === 'message_committed' && event.sender_id === this.demoAgent.sender_id).length >= count,
    );
  }
}

/** What a scene's `show` gets besides its page. */
export interface Stage {
  world: ScreenWorld;
  /** The page's browser context (fresh: signed out, empty storage), e.g. to go offline. */
  context: BrowserContext;
  device: Device;
}

/**
 * One screen of `docs/screens/`. For each of its devices it gets a fresh server (the demo
 * world) and a fresh browser page; `prepare` and `show` bring the page there once, and it is
 * shot in light and then in dark (the colour scheme changes under the page, nothing else):
 * `<name>-<device>-light.png` and `<name>-<device>-dark.png`.
 */
export interface Scene {
  /** kebab-case; the first part of the file names. */
  name: string;
  /** Default: desktop and phone. */
  devices?: readonly Device[];
  /** Makes the data the page shows through the REST API (runs before `show`, on the same server). */
  prepare?(world: ScreenWorld): Promise<void>;
  /**
   * Brings `page` (on about:blank, its baseURL the server's) to the state to capture, and
   * resolves once that state is on screen.
   */
  show(page: Page, stage: Stage): Promise<void>;
}

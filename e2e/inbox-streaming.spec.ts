import { expect, test, type Page } from '@playwright/test';
import { ALICE, BOB, UserApi, openThread, rowsWith, scroller, signIn, uniqueTag, write } from './support/inbox.ts';
import { SocketGate } from './support/socket-gate.ts';

/**
 * The streaming reply in the inbox is the message list's live tail: it grows below the
 * rows, keeps the end in view only for a reader who is at the end, and is handed over to
 * its committed row without moving anything on screen.
 */

/** How far (px) the reply may move when its committed row takes its place. */
const HANDOVER_TOLERANCE_PX = 2;
const END_OF_LONG_REPLY = 'That is the end of the long answer.';
/** A viewport lower than the /long reply, so that a reader can be inside it. */
const VIEWPORT = { width: 1100, height: 600 };

interface Sample {
  kind: string;
  bottom: number;
}

test.describe('the streaming reply in the inbox', () => {
  let alice: UserApi;
  let bob: UserApi;

  test.beforeEach(async ({ request, page }) => {
    alice = await UserApi.login(request, ALICE);
    bob = await UserApi.login(request, BOB);
    await page.setViewportSize(VIEWPORT);
  });

  async function agentThread(title: string): Promise<{ threadId: string; agentSenderId: string }> {
    const agent = await alice.demoAgent();
    const thread = await alice.createThread({ with: [bob], agents: [agent], title });
    return { threadId: thread.id, agentSenderId: agent.sender_id };
  }

  /** Holds the server's frames from the reply's commit on: the screen shows the finished stream. */
  function holdCommit(gate: SocketGate, threadId: string, agentSenderId: string) {
    return gate.holdFrom(
      (frame) =>
        frame.thread_id === threadId &&
        ((frame.type === 'thread_message' && frame.data?.sender_id === agentSenderId) ||
          (frame.type === 'thread_runtime' &&
            ['reply_committed', 'run_finished', 'intake_completed'].includes(String(frame.data?.event_type)))),
    );
  }

  /** From now on, the bottom (viewport y) of the row holding `text`, each frame, and its kind. */
  async function sampleRowBottom(page: Page, text: string): Promise<void> {
    await scroller(page).evaluate((element, text) => {
      const samples: Sample[] = [];
      (window as unknown as { __samples: Sample[] }).__samples = samples;
      const frame = () => {
        const row = [...element.querySelectorAll<HTMLElement>('[data-row-kind]')].find((node) => node.textContent?.includes(text));
        if (row) samples.push({ kind: row.dataset.rowKind ?? '', bottom: row.getBoundingClientRect().bottom });
        if (samples.length < 10_000) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    }, text);
  }

  const samples = (page: Page) => page.evaluate(() => (window as unknown as { __samples: Sample[] }).__samples);

  /** Releases the held commit and waits for the committed row; every frame's bottom of the reply, from before to after. */
  async function handOver(page: Page, gate: SocketGate): Promise<Sample[]> {
    await sampleRowBottom(page, END_OF_LONG_REPLY);
    await expect.poll(async () => (await samples(page)).length).toBeGreaterThan(2);
    gate.release();
    await expect(scroller(page).locator('[data-row-kind="streaming_reply"]')).toHaveCount(0);
    await expect(rowsWith(page, END_OF_LONG_REPLY)).toHaveCount(1);
    // A few frames after the hand-over too (late measurements or scrolls would show there).
    const after = (await samples(page)).length;
    await expect.poll(async () => (await samples(page)).length).toBeGreaterThan(after + 10);
    return samples(page);
  }

  function expectStill(all: Sample[]): void {
    expect(all[0]!.kind).toBe('streaming_reply');
    expect(all.at(-1)!.kind).toBe('message');
    const moved = all.map((sample) => Math.abs(sample.bottom - all[0]!.bottom));
    expect(
      Math.max(...moved),
      `the reply's bottom, frame by frame: ${all.map((sample) => `${sample.kind} ${sample.bottom}`).join(', ')}`,
    ).toBeLessThanOrEqual(HANDOVER_TOLERANCE_PX);
  }

  test('at the end of the thread, the committed reply takes the streamed one’s place without moving the view', async ({ page }) => {
    const tag = uniqueTag();
    const { threadId, agentSenderId } = await agentThread(`Handover end ${tag}`);
    const gate = await SocketGate.install(page);
    await signIn(page, ALICE);
    await openThread(page, `Handover end ${tag}`);
    const { held } = holdCommit(gate, threadId, agentSenderId);
    await write(page, `/long handover ${tag}`);
    await held;
    const streaming = scroller(page).locator('[data-row-kind="streaming_reply"]');
    await expect(streaming).toContainText(END_OF_LONG_REPLY);
    // The reader was at the end: the growing reply kept the end in view.
    await expect(streaming.getByText(END_OF_LONG_REPLY)).toBeInViewport();
    expect(await scroller(page).evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight)).toBeLessThanOrEqual(
      48,
    );

    expectStill(await handOver(page, gate));
    await expect(rowsWith(page, END_OF_LONG_REPLY).getByText(END_OF_LONG_REPLY)).toBeInViewport();
  });

  test('a reader inside the reply sees the committed reply in exactly the same place', async ({ page }) => {
    const tag = uniqueTag();
    const { threadId, agentSenderId } = await agentThread(`Handover inside ${tag}`);
    const gate = await SocketGate.install(page);
    await signIn(page, ALICE);
    await openThread(page, `Handover inside ${tag}`);
    const { held } = holdCommit(gate, threadId, agentSenderId);
    await write(page, `/long inside ${tag}`);
    await held;
    await expect(scroller(page).locator('[data-row-kind="streaming_reply"]')).toContainText(END_OF_LONG_REPLY);
    // Scrolled up into the middle of the reply: its top is above the view, its end below it.
    await scroller(page).hover();
    await page.mouse.wheel(0, -700);
    await expect
      .poll(() => scroller(page).evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight))
      .toBeGreaterThan(600);
    const streamingBox = await scroller(page).locator('[data-row-kind="streaming_reply"]').boundingBox();
    expect(streamingBox!.y).toBeLessThan(0);

    expectStill(await handOver(page, gate));
  });

  test('a reader who scrolled up is not pulled down while a reply streams', async ({ page }) => {
    const tag = uniqueTag();
    await agentThread(`Stream scrolled ${tag}`);
    await signIn(page, ALICE);
    await openThread(page, `Stream scrolled ${tag}`);
    await write(page, `/stream 20000 ${tag}`);
    const streaming = scroller(page).locator('[data-row-kind="streaming_reply"]');
    const heightOf = async () => (await streaming.boundingBox())?.height ?? 0;
    // While the reader is at the end, the end stays in view as the reply grows.
    await expect.poll(heightOf).toBeGreaterThan(VIEWPORT.height * 2);
    expect(await scroller(page).evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight)).toBeLessThanOrEqual(
      48,
    );

    // The reader scrolls up, into the reply: from then on it grows below them.
    await scroller(page).hover();
    await page.mouse.wheel(0, -500);
    await expect
      .poll(() => scroller(page).evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight))
      .toBeGreaterThan(400);
    const before = await scroller(page).evaluate((element) => ({
      scrollTop: element.scrollTop,
      top: element.querySelector('[data-row-kind="streaming_reply"]')!.getBoundingClientRect().top,
    }));
    const grownFrom = await heightOf();
    await expect.poll(heightOf).toBeGreaterThan(grownFrom + VIEWPORT.height * 2);
    await expect(streaming).toHaveCount(1);
    const after = await scroller(page).evaluate((element) => ({
      scrollTop: element.scrollTop,
      top: element.querySelector('[data-row-kind="streaming_reply"]')!.getBoundingClientRect().top,
    }));
    expect(Math.abs(after.scrollTop - before.scrollTop)).toBeLessThanOrEqual(1);
    expect(Math.abs(after.top - before.top)).toBeLessThanOrEqual(1);
    // The stream ends; its short committed reply ("Streamed … characters") takes its place.
    await expect(rowsWith(page, 'Streamed 20,000 characters of markdown.')).toHaveCount(1, { timeout: 60_000 });
  });
});

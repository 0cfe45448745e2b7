import type { Route } from '@playwright/test';
import { expect, test } from './fixtures/alice-and-bob.ts';
import { ALICE, openThread, rowsWith, scroller, seedMessages, signIn } from './support/inbox.ts';

/**
 * A long thread: it opens at the latest message, reads back to its first message page by
 * page, keeps what the reader looks at in place as older pages are added above it, and
 * keeps the DOM small however much has been loaded.
 */

const MESSAGES = 10_000;
/** How far (px) the row on screen may move when a page is added above it. */
const JUMP_TOLERANCE_PX = 3;
const MAX_ROWS_IN_DOM = 200;

interface Anchor {
  text: string;
  index: number;
  top: number;
  rows: number;
  atBeginning: boolean;
}

test('a thread of 10,000 messages opens at the latest, scrolls back to the first without jumps, with a bounded DOM', async ({
  page,
  baseURL,
  alice,
  bob,
  tag,
  startThread,
}) => {
  test.setTimeout(240_000);
  const thread = await startThread('History');
  const texts = Array.from({ length: MESSAGES - 1 }, (_, i) => `History ${tag} message ${i + 1}.`);
  await seedMessages(baseURL!, bob.me.token, thread.id, texts);
  const latest = `History ${tag}: the latest message.`;
  await alice.send(thread.id, latest);

  await signIn(page, ALICE);
  await openThread(page, `History ${tag}`);
  await expect(rowsWith(page, latest)).toBeInViewport();
  const distanceToEnd = await scroller(page).evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight);
  expect(distanceToEnd).toBeLessThanOrEqual(48);

  // Older pages are held until the screen has been measured, so each load starts from a known state.
  const held: Route[] = [];
  await page.route(`**/api/v1/chat/threads/${thread.id}/events?*`, (route) => void held.push(route));

  let loads = 0;
  let maxRows = 0;
  for (;;) {
    // To the top: the first message row fully on screen is the reader's anchor.
    const before = await scroller(page).evaluate(async (element): Promise<Anchor> => {
      element.scrollTop = 0;
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const top = element.getBoundingClientRect().top;
      const rows = [...element.querySelectorAll<HTMLElement>('[data-row-kind]')];
      const anchor = rows.find((row) => row.dataset.rowKind === 'message' && row.getBoundingClientRect().top >= top);
      return {
        // The words of the message (its header may go when older messages join its group).
        text: /History \S+ message \d+\./.exec(anchor?.innerText ?? '')?.[0] ?? '',
        index: Number(anchor?.dataset.index ?? -1),
        top: (anchor?.getBoundingClientRect().top ?? 0) - top,
        rows: rows.length,
        atBeginning: element.textContent?.includes('This is the beginning of the thread.') ?? false,
      };
    });
    maxRows = Math.max(maxRows, before.rows);
    expect(before.rows).toBeLessThan(MAX_ROWS_IN_DOM);
    if (before.atBeginning) break;
    expect(before.text, `an anchor row after ${loads} loads`).toContain(`History ${tag}`);

    await expect.poll(() => held.length, { message: `load ${loads + 1} should ask for an older page` }).toBeGreaterThan(0);
    while (held.length) await held.shift()!.continue();
    loads++;

    // The page arrived above: the anchor row moved down the list, and must not move on screen.
    const after = await scroller(page).evaluate(async (element, anchor) => {
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      const find = () =>
        [...element.querySelectorAll<HTMLElement>('[data-row-kind="message"]')].find((row) => row.innerText.endsWith(anchor.text));
      const topOf = (row: HTMLElement) => row.getBoundingClientRect().top - element.getBoundingClientRect().top;
      // Wait for the page to arrive, then for the view to settle (rows above being measured).
      for (let i = 0; i < 300; i++) {
        const row = find();
        if (row && Number(row.dataset.index) !== anchor.index) break;
        await frame();
      }
      let last = Number.NaN;
      let stable = 0;
      for (let i = 0; i < 120 && stable < 5; i++) {
        await frame();
        const row = find();
        const top = row ? topOf(row) : Number.NaN;
        stable = top === last ? stable + 1 : 0;
        last = top;
      }
      const row = find();
      return row ? { index: Number(row.dataset.index), top: topOf(row) } : null;
    }, before);
    expect(after, `load ${loads}: the anchor row is still rendered`).not.toBeNull();
    expect(after!.index, `load ${loads}: rows were added above the anchor`).toBeGreaterThan(before.index);
    expect(Math.abs(after!.top - before.top), `load ${loads}: the anchor moved from ${before.top} to ${after!.top}`).toBeLessThanOrEqual(
      JUMP_TOLERANCE_PX,
    );
  }

  // Every older page was loaded (50 events each), and the first messages are there.
  expect(loads).toBeGreaterThanOrEqual(Math.floor((MESSAGES - 50) / 50));
  await expect(scroller(page).getByText('Alice joined')).toBeVisible();
  expect(maxRows).toBeLessThan(MAX_ROWS_IN_DOM);
});

test('reading back with the mouse wheel moves steadily through history, with no skipped page', async ({
  page,
  baseURL,
  alice,
  bob,
  tag,
  startThread,
}) => {
  test.setTimeout(120_000);
  const thread = await startThread('Wheel');
  await seedMessages(
    baseURL!,
    bob.me.token,
    thread.id,
    Array.from({ length: 600 }, (_, i) => `Wheel ${tag} text ${i + 1}.`),
  );
  // Each text's place in the thread, from the server's log (parallel sends commit in any order).
  const seqOf = new Map((await alice.events(thread.id)).map((event) => [event.content ?? '', event.thread_seq]));
  const lastSeq = Math.max(...seqOf.values());

  await signIn(page, ALICE);
  await openThread(page, `Wheel ${tag}`);
  const box = (await scroller(page).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);

  // Wheel up, noting the first message on screen after each notch: it must move by about a
  // notch each time (about 10 rows of 250 px), never by a page of 50, until the first message.
  const seen: number[] = [];
  for (let notch = 0; notch < 200 && seen.at(-1) !== 3; notch++) {
    await page.mouse.wheel(0, -250);
    const text = await scroller(page).evaluate(async (element) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const top = element.getBoundingClientRect().top;
      const row = [...element.querySelectorAll<HTMLElement>('[data-row-kind="message"]')].find((r) => r.getBoundingClientRect().top >= top);
      return /Wheel \S+ text \d+\./.exec(row?.innerText ?? '')?.[0] ?? '';
    });
    seen.push(seqOf.get(text) ?? -1);
  }
  expect(seen.at(-1), `reached the first message (seq 3) from seq ${lastSeq}; saw ${seen.join(' ')}`).toBe(3);
  const steps = seen.slice(1).map((seq, i) => seen[i]! - seq);
  expect(
    steps.filter((step) => step < 0 || step > 25),
    `steps between notches: ${steps.join(' ')}`,
  ).toEqual([]);
});

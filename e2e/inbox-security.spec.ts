import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/alice-and-bob.ts';
import { escapeMarkdown } from '../src/markdown-core/escape-markdown.ts';
import { ALICE, expectSyncedTo, openThread, scroller, signIn, syncHealth } from './support/inbox.ts';

/**
 * Hostile message content, as a person's plain message and quoted in the agent's markdown
 * (the demo agent quotes what it was told, escaped for markdown: “You said: “…””, so each
 * payload reaches the markdown renderer too, and must come out as its words): no script
 * runs, no dialog opens, nothing active ends up in the page, and no link comes of a quote.
 */

/** Each under 80 characters, so the agent quotes it whole; none is a demo agent command. */
const PAYLOADS = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=1</script>',
  '<svg onload="alert(1)"></svg>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:window.__pwned=1">click me</a>',
  '<a href="https://example.com/" onclick="window.__pwned=1">click</a>',
  '<details open ontoggle="window.__pwned=1">x</details>',
  '<input autofocus onfocus="window.__pwned=1">',
  '<body onload="window.__pwned=1">',
  '"><img src=x onerror=alert(1)>',
  '[click](javascript:window.__pwned=1)',
  '[click](JaVaScRiPt:alert(1))',
  '[click](java\tscript:alert(1))',
  '[click](&#106;avascript:alert(1))',
  '[data](data:text/html,<script>alert(1)</script>)',
  '[vb](vbscript:msgbox(1))',
  '![pixel](javascript:window.__pwned=1)',
  '![x](https://example.com/x.png" onerror="window.__pwned=1)',
  '<style>body{background:url("javascript:alert(1)")}</style>',
  '`<img src=x onerror=window.__pwned=1>` and [safe](https://example.com/safe)',
];

interface Scan {
  problems: string[];
  texts: string[];
  safeLinks: number;
}

/**
 * Scrolls the message list from top to bottom and, at each step, looks for anything active
 * in the rendered rows (and in the whole document for inline handlers); returns what it
 * found and the text of every row.
 */
function scanMessages(page: Page): Promise<Scan> {
  return scroller(page).evaluate(async (element) => {
    const settle = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const problems = new Set<string>();
    const texts = new Map<number, string>();
    let safeLinks = 0;
    const describe = (node: Element) => node.outerHTML.slice(0, 160);
    const check = () => {
      for (const node of document.querySelectorAll('*')) {
        for (const attribute of node.attributes) {
          if (/^on/i.test(attribute.name)) problems.add(`inline handler: ${describe(node)}`);
          if (
            /^\s*(javascript|vbscript|data):/i.test(attribute.value) &&
            /^(href|src|action|formaction|xlink:href|srcdoc)$/i.test(attribute.name)
          ) {
            problems.add(`active URL: ${describe(node)}`);
          }
        }
      }
      // A run card's own Details disclosure (`data-run-details`) is the inbox's markup; a
      // `<details>` from a message (raw HTML is shown as text, never rendered) is not.
      for (const node of element.querySelectorAll(
        'script, iframe, object, embed, img, svg, math, style, link, meta, base, form, input, details:not([data-run-details]), video, audio',
      )) {
        problems.add(`element that should not be there: ${describe(node)}`);
      }
      for (const node of element.querySelectorAll('[src], [srcdoc], [style*="url("]')) problems.add(`loads something: ${describe(node)}`);
      for (const link of element.querySelectorAll('a')) {
        const rel = (link.getAttribute('rel') ?? '').split(/\s+/);
        if (!/^(https?|mailto):/.test(link.getAttribute('href') ?? '')) problems.add(`link to a non-web URL: ${describe(link)}`);
        if (link.getAttribute('target') !== '_blank' || !rel.includes('noopener') || !rel.includes('noreferrer')) {
          problems.add(`link without target=_blank rel="noopener noreferrer": ${describe(link)}`);
        }
        if (link.getAttribute('href') === 'https://example.com/safe') safeLinks++;
      }
      for (const row of element.querySelectorAll<HTMLElement>('[data-row-kind]')) texts.set(Number(row.dataset.index), row.innerText);
    };
    element.scrollTop = 0;
    await settle();
    for (let guard = 0; guard < 500; guard++) {
      check();
      if (element.scrollTop + element.clientHeight >= element.scrollHeight - 1) break;
      element.scrollTop += Math.max(50, element.clientHeight / 2);
      await settle();
    }
    element.scrollTop = element.scrollHeight;
    return { problems: [...problems], texts: [...texts.entries()].sort((a, b) => a[0] - b[0]).map(([, text]) => text), safeLinks };
  });
}

test('hostile content in messages and in agent markdown stays inert text', async ({ page, alice, bob, tag, startThread }) => {
  test.setTimeout(90_000);
  const thread = await startThread('Hostile', { agent: true });
  const agent = await alice.demoAgent();

  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  const pwned = () => page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);

  await signIn(page, ALICE);
  await openThread(page, `Hostile ${tag}`);

  // Live: they arrive while the thread is open.
  for (const payload of PAYLOADS) await bob.send(thread.id, payload);
  await expect
    .poll(async () => (await alice.messageContents(thread.id, agent.sender_id)).length, { timeout: 60_000 })
    .toBe(PAYLOADS.length);
  const replies = await alice.messageContents(thread.id, agent.sender_id);
  PAYLOADS.forEach((payload, index) => expect(replies[index]).toContain(`You said: “${escapeMarkdown(payload.replace(/\s+/g, ' '))}”`));
  await expectSyncedTo(page, (await alice.thread(thread.id)).last_seq);

  for (const phase of ['live', 'after a reload'] as const) {
    if (phase === 'after a reload') {
      await page.reload();
      await expect(syncHealth(page)).toHaveText(/^Synced/);
    }
    const scan = await scanMessages(page);
    expect(scan.problems, phase).toEqual([]);
    // Every payload is shown, as the words that were written, in Bob's plain message.
    for (const payload of PAYLOADS) {
      expect(
        scan.texts.some((text) => text.includes(payload)),
        `${phase}: shown as text: ${payload}`,
      ).toBe(true);
    }
    // Each payload got its markdown reply, quoting it as the words written: not even the safe link became a link.
    for (const payload of PAYLOADS) {
      expect(
        scan.texts.some((text) => text.includes(`You said: “${payload.replace(/\s+/g, ' ')}”`)),
        `${phase}: quoted as text: ${payload}`,
      ).toBe(true);
    }
    expect(scan.safeLinks, phase).toBe(0);
    expect(await pwned(), phase).toBeUndefined();
    expect(dialogs, phase).toEqual([]);
  }
});

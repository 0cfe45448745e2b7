import { brotliDecompressSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/alice-and-bob.ts';
import { panelFileIn, served } from './support/built-files.ts';
import { panel } from './support/host-page.ts';
import { ALICE, conversation, openThread, rowsWith, scroller, signIn, write } from './support/inbox.ts';

/**
 * The inbox under its own Content-Security-Policy (server/src/http/security-headers.ts):
 * signed in, reading agent markdown and a run card, opening the dialog, switching to dark
 * mode and back, it causes no violation and logs no console error (a missing /config.json
 * once logged a 404 on every first load). And what it and the widget panel send over the
 * wire is the pre-compressed build.
 */

/** Records every CSP violation the page reports, before any script of the page runs. */
const RECORD_VIOLATIONS = `
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push({ directive: event.effectiveDirective, blocked: event.blockedURI, source: event.sourceFile, line: event.lineNumber, sample: event.sample });
}, true);
`;

const violationsOf = (page: Page) => page.evaluate(() => (window as unknown as { __cspViolations: unknown[] }).__cspViolations);

/** A message with every kind of markdown the inbox renders. */
const MARKDOWN = (tag: string) =>
  [
    `## Report ${tag}`,
    'Some *emphasis*, **strong**, ~~gone~~, ==marked== and `code`.',
    '> a quote\n> > nested',
    '- one\n- two\n  1. inner',
    '| a | b |\n|:--|--:|\n| 1 | 2 |',
    '```ts\nconst x = 1;\n```',
    '[a link](https://example.com) ![a picture](https://example.com/p.png) - [x] done',
  ].join('\n\n');

test('the inbox works under its strict CSP: no violation, no console error', async ({ page, bob, tag, startThread }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${String(error)}`));
  await page.addInitScript(RECORD_VIOLATIONS);

  const thread = await startThread('CSP', { agent: true });
  const { title } = thread;
  await bob.send(thread.id, MARKDOWN(tag));

  const response = await page.goto('/');
  const policy = response!.headers()['content-security-policy'] ?? '';
  expect(policy).toContain("script-src 'self'");
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).not.toMatch(/unsafe-inline|unsafe-eval/);

  await signIn(page, ALICE);
  await openThread(page, title);
  // The agent's markdown answer to Bob (it quotes his message back as his words, escaped).
  await expect(rowsWith(page, `Hi Bob! You said`).locator('strong').first()).toBeVisible();

  // A run card (tool call) and a long markdown reply from the agent, streamed then committed.
  await write(page, `/tool invoices ${tag}`);
  const card = scroller(page).getByRole('region', { name: /^Agent run by / });
  await expect(card.first()).toContainText('Replied');
  await write(page, '/long markdown');
  const long = rowsWith(page, 'That is the end of the long answer.');
  await expect(long).toHaveCount(1, { timeout: 20_000 });
  await expect(long.locator('table').first()).toBeVisible();
  await expect(long.locator('pre code').first()).toContainText('function catchUp');
  await expect(long.locator('em').first()).toBeVisible();

  // The new-thread dialog (a modal <dialog>, with its backdrop), opened and closed.
  await page.getByRole('button', { name: 'New thread' }).click();
  const dialog = page.getByRole('dialog', { name: 'New thread' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();

  // Dark mode and back.
  const theme = page.getByRole('combobox', { name: 'Theme' });
  await theme.selectOption('dark');
  await expect(page.locator('html')).toHaveClass(/\bdark\b/);
  await expect(conversation(page)).toBeVisible();
  await theme.selectOption('light');
  await expect(page.locator('html')).not.toHaveClass(/\bdark\b/);

  // A reload: the page, its scripts and its data again, from the browser's cache where allowed.
  await page.reload();
  await expect(page.getByRole('navigation', { name: 'Threads' })).toBeVisible();
  await openThread(page, title);

  // The browser received the scripts compressed.
  const scripts = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((entry) => /\/assets\/index-[\w-]+\.js$/.test(entry.name))
      .map((entry) => ({
        encoded: (entry as PerformanceResourceTiming).encodedBodySize,
        decoded: (entry as PerformanceResourceTiming).decodedBodySize,
      })),
  );
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) expect(script.encoded).toBeLessThan(script.decoded / 3);

  expect(await violationsOf(page)).toEqual([]);
  expect(problems).toEqual([]);
});

test('the widget demo page works under its CSP too: the panel opens on its first run, composer ready', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${String(error)}`));
  await page.addInitScript(RECORD_VIOLATIONS);
  const response = await page.goto('/widget-demo.html');
  expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
  await page.getByRole('button', { name: 'Open the chat' }).click();
  await expect(panel(page)).toBeVisible();
  await expect(panel(page).getByRole('textbox', { name: 'Message' })).toBeVisible();
  expect(await violationsOf(page)).toEqual([]);
  expect(problems).toEqual([]);
});

test('the inbox entry script and the widget panel go out brotli-compressed', async ({ baseURL }) => {
  const html = (await served(`${baseURL}/`, 'identity')).body.toString();
  const entry = /<script[^>]*type="module"[^>]*src="\/([^"]+)"/.exec(html)?.[1];
  expect(entry, 'the entry script of index.html').toBeTruthy();
  for (const file of [entry!, panelFileIn('dist')]) {
    const plain = await served(`${baseURL}/${file}`, 'identity');
    const br = await served(`${baseURL}/${file}`, 'br, gzip');
    expect(plain.status).toBe(200);
    expect(br.status).toBe(200);
    expect(plain.encoding).toBeUndefined();
    expect(br.encoding).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    // Built JS compresses to well under a third (the panel 136 KB → ~38 KB, the inbox 409 KB → ~106 KB).
    expect(br.wireBytes).toBeLessThan(plain.wireBytes / 3);
    test.info().annotations.push({ type: 'bytes', description: `${file}: ${plain.wireBytes} → ${br.wireBytes} (brotli)` });
  }
  const loader = await served(`${baseURL}/widget.js`, 'gzip');
  expect(loader.encoding).toBe('gzip');
});

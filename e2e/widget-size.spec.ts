import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { loaderGzipBytes, SIZE_GOALS, WIDGET_CHAT_GZIP_KB, widgetChatGzip } from './bench/bundle-sizes.ts';

/**
 * The widget's size budget (README, Visitor widget), read from the built dist/ (`npm run
 * build` first): all a visitor downloads to chat, and the loader a host page always loads.
 */
const DIST = 'dist';

test('all a visitor downloads to chat (loader, panel, markdown chunk) stays within 60 KB of gzip', () => {
  const { files, gzipBytes } = widgetChatGzip(DIST);
  expect(Object.keys(files)).toEqual([
    'widget.js',
    expect.stringMatching(/^widget-panel-[\w-]+\.js$/),
    expect.stringMatching(/^widget-render-markdown-[\w-]+\.js$/),
  ]);
  expect(gzipBytes, JSON.stringify(files)).toBeLessThanOrEqual(WIDGET_CHAT_GZIP_KB * 1024);
});

test('the loader stays within 3 KB of gzip', () => {
  expect(loaderGzipBytes(DIST)).toBeLessThanOrEqual(SIZE_GOALS.loaderGzipKb * 1024);
});

test("the panel loads its markdown chunk with a plain import(), without Vite's preload helper", () => {
  const { files } = widgetChatGzip(DIST);
  const panel = readFileSync(join(DIST, Object.keys(files)[1]!), 'utf8');
  expect(panel).toMatch(/import\(["'`]\.\/widget-render-markdown-[\w-]+\.js["'`]\)/);
  // The helper's own words: it signals a failed load on the host page's window.
  expect(panel).not.toContain('vite:preloadError');
});

test("the panel's stylesheet is minified for the widget's browsers, iOS Safari's prefix kept", () => {
  const { files } = widgetChatGzip(DIST);
  const panel = readFileSync(join(DIST, Object.keys(files)[1]!), 'utf8');
  // Shorthands every supported browser knows stay short (not expanded to start/end pairs)…
  expect(panel).toContain('.px-3{padding-inline:');
  expect(panel).not.toContain('padding-inline-start');
  // …and the frame keeps the prefix iOS Safari reads.
  expect(panel).toMatch(/\.panel,\.ama-preview\{[^}]*-webkit-text-size-adjust:100%/);
});

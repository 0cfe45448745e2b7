/**
 * The two size goals both UI benchmarks print (`bench:ui` and `bench:widget`), read from a
 * built static folder: the inbox's initial JS and the widget loader, gzip -9.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Issue 9's goals: the inbox's initial JS and the widget loader, KB of gzip. */
export const SIZE_GOALS = { inboxInitialJsKb: 100, loaderGzipKb: 3 };

const gzip9 = (code: Buffer) => gzipSync(code, { level: 9 }).length;

/**
 * The inbox's initial JS: the entry chunk(s) of index.html and every chunk they import
 * statically, gzip -9 (a lazy `import()` is not followed: it loads later or on demand).
 */
export function inboxInitialJs(root: string): { gzipBytes: number; files: string[]; cssGzipBytes: number } {
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  const roots = [
    ...[...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map((match) => match[1]!),
    ...[...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((match) => match[1]!),
  ].map((src) => join(root, src));
  const seen = new Set<string>();
  const queue = [...roots];
  let gzipBytes = 0;
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file);
    gzipBytes += gzip9(code);
    // Static `import … from "./x.js"` / `export … from "./x.js"` / `import "./x.js"`; `import("…")` is lazy and not followed.
    const text = code.toString('utf8');
    for (const match of text.matchAll(/(?:^|[;}\n])\s*(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'`](\.{1,2}\/[^"'`]+\.js)["'`]/g)) {
      queue.push(join(dirname(file), match[1]!));
    }
  }
  // The stylesheets the page links, for reference (not part of the JS goal).
  const cssGzipBytes = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)]
    .map((match) => gzip9(readFileSync(join(root, match[1]!))))
    .reduce((sum, bytes) => sum + bytes, 0);
  return { gzipBytes, files: [...seen].map((file) => file.slice(root.length).replace(/^\//, '')), cssGzipBytes };
}

/** dist/widget.js, gzip -9. */
export function loaderGzipBytes(root: string): number {
  return gzip9(readFileSync(join(root, 'widget.js')));
}

/** The developers' guide's budget for all a visitor downloads to chat, KB of gzip. */
export const WIDGET_CHAT_GZIP_KB = 60;

/** Where the panel build records its files (vite.widget.config.ts, PANEL_MANIFEST). */
const PANEL_MANIFEST = '.vite/widget-panel-manifest.json';
const PANEL_ENTRY = 'widget/panel/panel.tsx';

/**
 * Chunks the panel loads only when the visitor asks for what they show, never to chat:
 * "New conversation?" and "Earlier conversations" (widget/panel/history-ui.ts); the offer to
 * leave an email when a waiting visitor closes the panel, the inline email offer (after the
 * first reply, or asked for a person) and a reply's preview while it is closed
 * (widget/panel/closing-ui.ts); a follow-up email's resume link, spent only on a page
 * opened from one (widget/panel/resume-link.ts); the words for a script tag's bad options
 * (widget/shared/option-flaws.ts); the checks of `AMA2Chat.identify()`, on a page that calls it
 * (widget/shared/identify-options.ts); the German words, which only a German visitor loads
 * (widget/panel/i18n-de.ts: the English visitor's total is the one measured here); a message's
 * files, loaded with the first message that has one (widget/panel/files-ui.tsx); the upload
 * tray and the uploader, on the first attach, paste or drop (widget/panel/attach-tray.tsx,
 * src/core/attachments/attachment-upload.ts), and the outbox's upload loop, with the first
 * message that carries files (src/core/sync/outbox-uploads.ts), and the check of stored files,
 * on a load that finds any (src/core/sync/outbox-file-check.ts); the keeping of a first
 * message's files while its conversation starts, with files chosen or on a load that finds
 * them kept (widget/panel/first-files.ts); polling, the fallback only
 * where the socket keeps failing (src/core/connection/poll-transport.ts).
 */
export const ON_DEMAND_PANEL_CHUNKS: readonly string[] = [
  'widget/panel/history-ui.ts',
  'widget/panel/privacy-ui.ts',
  'widget/panel/closing-ui.ts',
  'widget/panel/resume-link.ts',
  'widget/shared/option-flaws.ts',
  'widget/shared/identify-options.ts',
  'widget/panel/i18n-de.ts',
  'widget/panel/files-ui.tsx',
  'widget/panel/attach-tray.tsx',
  'src/core/attachments/attachment-upload.ts',
  'src/core/connection/poll-transport.ts',
  'src/core/sync/outbox-uploads.ts',
  'src/core/sync/outbox-file-check.ts',
  'widget/panel/first-files.ts',
];

/**
 * All a visitor downloads to chat, gzip -9: the loader, the panel it loads and the chunks
 * the panel imports (the markdown renderer, fetched as soon as the panel loads), each named
 * by the panel build's manifest; not the {@link ON_DEMAND_PANEL_CHUNKS}.
 */
export function widgetChatGzip(root: string): { files: Record<string, number>; gzipBytes: number } {
  const manifest = JSON.parse(readFileSync(join(root, PANEL_MANIFEST), 'utf8')) as Record<
    string,
    { file: string; imports?: string[]; dynamicImports?: string[] }
  >;
  const panel = manifest[PANEL_ENTRY];
  if (!panel) throw new Error(`${PANEL_MANIFEST} has no entry for ${PANEL_ENTRY}.`);
  const chunks = [...(panel.imports ?? []), ...(panel.dynamicImports ?? [])]
    .filter((key) => !ON_DEMAND_PANEL_CHUNKS.includes(key))
    .map((key) => manifest[key]!.file);
  const files: Record<string, number> = {};
  for (const file of ['widget.js', panel.file, ...chunks]) files[file] = gzip9(readFileSync(join(root, file)));
  return { files, gzipBytes: Object.values(files).reduce((sum, bytes) => sum + bytes, 0) };
}

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

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig, type Plugin } from 'vite';
import { precompress } from './build/precompress-plugin.ts';
import { remToPx } from './widget/panel/pixel-units.ts';
import { inlinePropertyDefaults } from './widget/panel/shadow-properties.ts';
import { themeCss } from './widget/panel/theme-tokens.ts';

/** The demo host page (and its script and stylesheet) ship next to widget.js. */
function demoPage(): Plugin {
  return {
    name: 'widget-demo-page',
    generateBundle() {
      for (const file of ['widget-demo.html', 'widget-demo.js', 'widget-demo.css']) {
        this.emitFile({ type: 'asset', fileName: file, source: readFileSync(`widget/${file}`) });
      }
    },
  };
}

/** The panel's `react` is preact: the few React names it uses (react-on-preact.ts) and preact's JSX runtime. */
export const PREACT_ALIASES = [
  { find: /^react$/, replacement: fileURLToPath(new URL('./widget/panel/react-on-preact.ts', import.meta.url)) },
  { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
  { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-dev-runtime' },
];

/**
 * Vite wraps each `import()` of an app build in its preload helper (about 0.6 KB of gzip): it
 * fetches a chunk's CSS and imports ahead of it and reports a failed load as
 * `vite:preloadError` on `window`. The panel's lazy chunks need nothing preloaded (no CSS; the
 * preact they import is the panel itself), and the host page's window is not the panel's to
 * signal on (each caller handles its own failed load), so here the helper only calls `import()`,
 * and each call to it, `__vitePreload(() => import("./x.js"), __VITE_PRELOAD__)` as Vite leaves
 * it in a rendered chunk, is unwrapped to `(() => import("./x.js"))()` before minifying (about
 * 0.1 KB of gzip over the panel's 15 lazy imports). With no marker left, Vite's own step that
 * fills the markers with dependency lists has nothing to do.
 */
function plainDynamicImport(): Plugin {
  const HELPER = '\0vite/preload-helper.js';
  const CALL = '__vitePreload(';
  /** The end of a call as Vite writes it: the factory's closing, then the dependency marker. */
  const MARKER = /,\s*__VITE_PRELOAD__\s*\)/g;
  return {
    name: 'widget-plain-dynamic-import',
    enforce: 'pre',
    load(id) {
      return id === HELPER ? 'export const __vitePreload = (load) => load();' : null;
    },
    renderChunk(code, chunk, _options, meta) {
      if (!code.includes(CALL)) return null;
      const text = meta.magicString;
      if (!text) throw new Error('widget-plain-dynamic-import needs rolldownOptions.experimental.nativeMagicString (for the source map).');
      let calls = 0;
      for (let at = code.indexOf(CALL); at !== -1; at = code.indexOf(CALL, at + CALL.length), calls++)
        text.overwrite(at, at + CALL.length, '(');
      const ends = [...code.matchAll(MARKER)];
      for (const end of ends) text.overwrite(end.index, end.index + end[0].length, ')()');
      // A call in another form (a helper change in a new Vite) is left whole rather than half unwrapped.
      if (ends.length !== calls)
        throw new Error(`${chunk.fileName}: ${calls} __vitePreload calls but ${ends.length} __VITE_PRELOAD__ ends.`);
      return text;
    },
  };
}

/**
 * The panel's stylesheet (a JS string once Vite has built it) gets its `@property` defaults as
 * plain declarations, and its `rem` lengths in pixels (pixel-units.ts), here rather than in the
 * visitor's browser: the same stylesheet, shorter, and no code for it in the panel.
 */
function panelPropertyDefaults(): Plugin {
  return {
    name: 'widget-panel-property-defaults',
    enforce: 'post',
    transform(code, id) {
      if (!/\/widget\/panel\/panel\.css\?inline$/.test(id)) return null;
      const css = /^export default (".*");?\s*$/s.exec(code)?.[1];
      if (css === undefined) throw new Error(`${id}: not the string module Vite builds for ?inline CSS`);
      return { code: `export default ${JSON.stringify(inlinePropertyDefaults(remToPx(JSON.parse(css) as string)))};`, map: null };
    },
  };
}

/**
 * The theme's colours (theme-tokens.ts) join the panel's stylesheet source at build time, so
 * they are minified with it and the panel carries neither the tokens nor the code that writes them.
 */
function panelThemeTokens(): Plugin {
  return {
    name: 'widget-panel-theme-tokens',
    enforce: 'pre',
    transform(code, id) {
      return /\/widget\/panel\/panel\.css\?inline$/.test(id) ? { code: `${code}\n${themeCss()}\n`, map: null } : null;
    },
  };
}

/** The oldest browsers the widget's stylesheets are written for (lightningcss targets). */
const CSS_BROWSERS = ['chrome87', 'edge88', 'firefox92', 'safari14.1'];

const OUT_DIR = 'dist';
const PANEL_ENTRY = 'widget/panel/panel.tsx';
/** Written by the panel build into dist/.vite/ (a dot folder: never served), read by the loader build. */
const PANEL_MANIFEST = '.vite/widget-panel-manifest.json';

/** The content-hashed file name of the panel the panel build just wrote (`widget-panel-<hash>.js`). */
function builtPanelFile(): string {
  const path = `${OUT_DIR}/${PANEL_MANIFEST}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: build the panel before the loader (npm run build:widget does).`);
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, { file?: string }>;
  const file = manifest[PANEL_ENTRY]?.file;
  if (!file) throw new Error(`${path} has no entry for ${PANEL_ENTRY}.`);
  return file;
}

/**
 * The visitor widget, built in two parts into dist/ next to the inbox, panel first
 * (`--mode panel`, then `--mode loader`):
 * - `panel` → dist/widget-panel-<hash>.js: the chat panel as an ES module, loaded on demand by
 *   the loader, built against preact (React's own runtime does not fit the size budget): `react`
 *   resolves to widget/panel/react-on-preact.ts, the few React names the panel uses.
 *   Its name changes with its content, so it is cached for good (immutable);
 * - `loader` → dist/widget.js: a classic script (IIFE) with no framework, the tag websites
 *   paste. Its name is fixed, so it is cached briefly; it names the panel it loads (injected
 *   as `__WIDGET_PANEL_FILE__`), so a release reaches visitors when their loader revalidates.
 */
export default defineConfig(({ mode }) => {
  const panel = mode === 'panel';
  return {
    plugins: panel
      ? [plainDynamicImport(), panelThemeTokens(), tailwindcss(), panelPropertyDefaults(), precompress()]
      : [demoPage(), precompress()],
    publicDir: false,
    resolve: { alias: panel ? PREACT_ALIASES : [] },
    define: {
      'process.env.NODE_ENV': JSON.stringify('production'),
      ...(panel ? {} : { __WIDGET_PANEL_FILE__: JSON.stringify(builtPanelFile()) }),
    },
    build: {
      outDir: OUT_DIR,
      emptyOutDir: false,
      // The loader's map is written but not named in widget.js (`hidden`): the comment that
      // names it is 33 B of the loader's 3 KB budget, sent to every page view. Error trackers
      // take the map from dist/; a developer opens it by hand.
      sourcemap: panel ? true : 'hidden',
      // ES2021 (`??=`, `||=` kept as written): every browser of CSS_BROWSERS has it. About 30 B.
      target: 'es2021',
      // No dependency preloading: with it, the panel carries the file names of every lazy
      // chunk's imports (`__vite__mapDeps`, about 0.3 KB of gzip) for a preload helper that
      // only calls `import()` here (plainDynamicImport); each lazy chunk imports its own.
      modulePreload: panel ? false : undefined,
      // Stylesheets are minified for the browsers the widget supports: no fallbacks expanded
      // for browsers without `inset`, `system-ui` (each names its own font fallbacks) or
      // `padding-inline`. The panel's also keeps the prefixes iOS Safari needs
      // (`-webkit-text-size-adjust`). About 90 B of the panel's gzip.
      cssTarget: panel ? [...CSS_BROWSERS, 'ios14.5'] : CSS_BROWSERS,
      manifest: panel ? PANEL_MANIFEST : false,
      // The panel is an app entry, not a library: library mode never strips whitespace from ES output.
      lib: panel ? false : { entry: 'widget/loader/widget.ts', formats: ['iife'], name: 'AMA2ChatLoader', fileName: () => 'widget.js' },
      rollupOptions: panel
        ? {
            input: PANEL_ENTRY,
            // Keep `mountPanel`: the loader imports it from this module. Extra exports are
            // allowed, so the lazy markdown chunk imports preact from the panel itself
            // instead of both importing a third, shared chunk (one more request on open).
            preserveEntrySignatures: 'allow-extension',
            // Class fields stay lowered for es2020 (Safari 14–15 mishandle native ones:
            // webkit.org/b/236843), as `this.x = v` instead of a defineProperty helper:
            // the same objects, as no field shadows an accessor (tsc forbids it in ours, TS2610).
            // A field with no initializer is not written as `this.x = void 0` before its
            // constructor assigns it (about 1.4 KB of the panel): reading one not assigned yet
            // still gives undefined, and none is redeclared over a base class's (tsc: TS2612).
            transform: { assumptions: { setPublicClassFields: true }, typescript: { removeClassFieldsWithoutInitializer: true } },
            // For plainDynamicImport's edits to keep the panel's source map (renderChunk's magicString).
            experimental: { nativeMagicString: true },
            output: { format: 'es', entryFileNames: 'widget-panel-[hash].js', chunkFileNames: 'widget-[name]-[hash].js' },
          }
        : { output: { chunkFileNames: 'widget-[name]-[hash].js' } },
    },
  };
});

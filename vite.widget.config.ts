import { readFileSync } from 'node:fs';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig, type Plugin } from 'vite';

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

const PREACT_ALIASES = [
  { find: /^react$/, replacement: 'preact/compat' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
  { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-dev-runtime' },
];

/**
 * The visitor widget, built in two parts into dist/ next to the inbox (`--mode loader|panel`):
 * - `loader` → dist/widget.js: a classic script (IIFE) with no framework, the tag websites paste;
 * - `panel` → dist/widget-panel.js: the chat panel as an ES module, loaded on demand by the
 *   loader, built against preact/compat (React's own runtime does not fit the size budget).
 */
export default defineConfig(({ mode }) => {
  const panel = mode === 'panel';
  return {
    plugins: panel ? [tailwindcss()] : [demoPage()],
    publicDir: false,
    resolve: { alias: panel ? PREACT_ALIASES : [] },
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir: 'dist',
      emptyOutDir: false,
      sourcemap: true,
      target: 'es2020',
      // The panel is an app entry, not a library: library mode never strips whitespace from ES output.
      lib: panel ? false : { entry: 'widget/loader/widget.ts', formats: ['iife'], name: 'AMA2ChatLoader', fileName: () => 'widget.js' },
      rollupOptions: panel
        ? {
            input: 'widget/panel/panel.tsx',
            // Keep `mountPanel`: the loader imports it from this module.
            preserveEntrySignatures: 'exports-only',
            output: { format: 'es', entryFileNames: 'widget-panel.js', chunkFileNames: 'widget-[name]-[hash].js' },
          }
        : { output: { chunkFileNames: 'widget-[name]-[hash].js' } },
    },
  };
});

import { createHash } from 'node:crypto';
import { defineConfig, type Plugin } from 'vite';
import { precompress } from './build/precompress-plugin.ts';

/** The service worker's entry (src/service-worker/worker/sw.ts): built to dist/sw.js. */
const ENTRY = 'src/service-worker/worker/sw.ts';
/** The worker's file name never changes: the browser finds a new version at the same URL (scope `/`). */
export const SERVICE_WORKER_FILE = 'sw.js';
/** Stands in for the version while building; as long as the version, so the source map stays exact. */
const VERSION_PLACEHOLDER = 'ama2swversio';
export const SW_VERSION_LENGTH = VERSION_PLACEHOLDER.length;

/**
 * `__AMA2_SW_VERSION__` becomes a hash of the built worker itself: it changes exactly when the
 * worker's code does, so an unchanged worker is byte-identical across builds (no needless
 * update in every browser), and a changed one names its version.
 */
function workerVersion(): Plugin {
  return {
    name: 'service-worker-version',
    config: () => ({ define: { __AMA2_SW_VERSION__: JSON.stringify(VERSION_PLACEHOLDER) } }),
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk' || !file.code.includes(VERSION_PLACEHOLDER)) continue;
        const version = createHash('sha256').update(file.code).digest('hex').slice(0, SW_VERSION_LENGTH);
        file.code = file.code.replaceAll(VERSION_PLACEHOLDER, version);
      }
    },
  };
}

/**
 * The inbox's service worker, built after the inbox and the widget into dist/ (`npm run
 * build:sw`): one classic script (IIFE: every browser with push runs it), at a fixed name
 * served with `Cache-Control: no-cache` (server/src/http/static-files.ts), and registered
 * with `updateViaCache: 'none'`, so a release reaches every browser at its next check.
 */
export default defineConfig({
  plugins: [workerVersion(), precompress()],
  publicDir: false,
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: true,
    target: 'es2021',
    lib: { entry: ENTRY, formats: ['iife'], name: 'AMA2ServiceWorker', fileName: () => SERVICE_WORKER_FILE },
  },
});

import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { precompress } from './build/precompress-plugin.ts';

/** Where `npm run dev` forwards API and socket traffic: the local server. */
const API_TARGET = process.env.API_TARGET ?? 'http://localhost:8787';

/** react → preact/compat, exactly as the widget panel's build resolves them. */
const PREACT_ALIASES = [
  { find: /^react$/, replacement: 'preact/compat' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
  { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-dev-runtime' },
];

export default defineConfig({
  plugins: [react(), tailwindcss(), precompress()],
  server: {
    proxy: {
      '/api': { target: API_TARGET, ws: true, changeOrigin: false },
      '/healthz': API_TARGET,
    },
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.{ts,tsx}'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
          environment: 'happy-dom',
        },
      },
      {
        extends: true,
        // The widget panel ships against preact/compat (vite.widget.config.ts), so its tests
        // run against the same aliases: they exercise what visitors get, not React.
        resolve: { alias: PREACT_ALIASES },
        test: {
          name: 'widget',
          include: ['widget/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
        },
      },
      {
        test: {
          // src/core against the real local server (node: real sockets, real fetch).
          name: 'integration',
          include: ['src/**/*.integration.test.ts'],
          environment: 'node',
          pool: 'forks',
          globalSetup: ['server/test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'server',
          include: ['server/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          globalSetup: ['server/test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});

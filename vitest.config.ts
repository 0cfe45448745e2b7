import { defineConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';
// react → preact, exactly as the widget panel's build resolves it.
import { PREACT_ALIASES } from './vite.widget.config.ts';

/**
 * The DOM projects' limit per test. A few render thousands of elements in happy-dom (the
 * CommonMark spec, hostile markdown): about 2 s at rest, 6–10 s on a busy 2-core machine,
 * past Vitest's 5 s default (a CI run failed so). A limit catches a hang, never measures speed.
 */
const DOM_TEST_TIMEOUT_MS = 30_000;

/**
 * The four test projects, on top of the app's build config (vite.config.ts): the projects with
 * `extends: true` inherit its plugins (React, Tailwind).
 */
export default defineConfig({
  ...viteConfig,
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.{ts,tsx}'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
          environment: 'happy-dom',
          testTimeout: DOM_TEST_TIMEOUT_MS,
        },
      },
      {
        extends: true,
        // The widget panel ships against preact (vite.widget.config.ts), so its tests
        // run against the same aliases: they exercise what visitors get, not React.
        resolve: { alias: PREACT_ALIASES },
        test: {
          name: 'widget',
          include: ['widget/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          testTimeout: DOM_TEST_TIMEOUT_MS,
          // The loader's stylesheet as written (`?raw`), for the theme's contrast test, and the
          // panel's, for its Tailwind sources test; other CSS stays empty in tests.
          css: { include: [/widget\/loader\/loader\.css/, /widget\/panel\/panel\.css\?raw$/] },
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
          globalSetup: [
            'server/test/support/global-setup.ts',
            'server/test/support/postgres-global-setup.ts',
            'server/test/support/nats-global-setup.ts',
          ],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});

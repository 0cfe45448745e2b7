import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, resolveChromium } from './e2e/support/chromium.ts';

/** The end-to-end server listens here, on a fresh temporary database for every run. */
const PORT = Number(process.env.E2E_PORT ?? 8799);
const BASE_URL = `http://localhost:${PORT}`;
/**
 * The cluster project's two server processes (PostgreSQL + NATS, `npm run cluster` with a
 * throwaway database) listen on the two ports after this one (its balancer on this one).
 */
const CLUSTER_PORT = PORT + 10;
const clusterProcess = (index: 1 | 2) => `http://localhost:${CLUSTER_PORT + index}`;

/** Settings both webServers share: fast agent, a short approval window, generous public limits. */
const E2E_SERVER_ENV = {
  HOST: '127.0.0.1',
  DEMO_AGENT_CHUNK_MS: '5',
  // Short enough that an end-to-end test can watch an approval expire (inbox-agent.spec.ts).
  APPROVAL_TTL_MS: '8000',
  // Every widget spec is a visitor from the same address, and each resolve counts: the
  // per-address limits (tested in the server's contract tests) would stop a full run.
  RATE_LIMIT_THREADS_PER_MIN: '1000',
  RATE_LIMIT_SOCKETS_PER_MIN: '1000',
  RATE_LIMIT_MESSAGES_PER_MIN: '1000',
  LOG_LEVEL: 'warn',
  // Push subscriptions point at local endpoints over http on 127.0.0.1 (the local push service of
  // push-service-worker.spec.ts, a made-up one in notification-settings.spec.ts), which the server
  // refuses in production (CONTRACT §12).
  PUSH_ALLOW_INSECURE_ENDPOINTS: 'true',
};

// The config is loaded again in every worker: only the main process makes the database folder.
process.env.E2E_DB_DIR ??= mkdtempSync(join(tmpdir(), 'ama2-e2e-'));

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    launchOptions: { executablePath: resolveChromium(), args: CHROMIUM_ARGS },
  },
  projects: [
    { name: 'chromium', use: { browserName: 'chromium' } },
    {
      // The inbox suite again, on two server processes: pages on the first, and the REST
      // helpers and a second user's browser on the second (e2e/support/inbox.ts, peerURL),
      // so every live update crosses processes through NATS and PostgreSQL.
      name: 'cluster',
      testMatch: 'inbox-*.spec.ts',
      use: { browserName: 'chromium', baseURL: clusterProcess(1) },
      metadata: { peerURL: clusterProcess(2) },
    },
  ],
  webServer: [
    {
      command: 'node --import tsx server/src/main.ts',
      url: `${BASE_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        ...E2E_SERVER_ENV,
        PORT: String(PORT),
        DATABASE_PATH: join(process.env.E2E_DB_DIR, 'ama2.sqlite'),
      },
    },
    {
      command: 'node --import tsx server/src/dev/cluster.ts',
      // Healthy once both processes are (the cluster script waits for them before its balancer listens).
      url: `http://localhost:${CLUSTER_PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: 'pipe',
      stderr: 'pipe',
      // The script stops its servers, NATS and PostgreSQL on SIGTERM.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
      env: { ...E2E_SERVER_ENV, PORT: String(CLUSTER_PORT), CLUSTER_PROCESSES: '2', CLUSTER_THROWAWAY: 'true', DEMO_DATA: 'true' },
    },
  ],
});

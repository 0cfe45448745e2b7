import type { TestProject } from 'vitest/node';
import { natsServerBinary, startNatsServer } from '../../src/dev/nats-instance.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's nats-server, or null when the binary is absent (outside CI only). */
    natsUrl: string | null;
  }
}

/**
 * One real nats-server for the whole run; every NATS test isolates itself with its own
 * subject org. Without the binary the NATS tests fail in CI and are skipped (loudly) elsewhere.
 */
export default async function setup(project: TestProject) {
  if (!natsServerBinary()) {
    const message = `nats-server not found (${process.env.NATS_SERVER_BIN || '/usr/sbin/nats-server'}): install it (apt-get install nats-server) or set NATS_SERVER_BIN.`;
    if (process.env.CI) throw new Error(`${message} CI must run the NATS tests.`);
    console.warn(`\n!!! ${message}\n!!! The NATS tests are SKIPPED in this run.\n`);
    project.provide('natsUrl', null);
    return;
  }
  const nats = await startNatsServer();
  project.provide('natsUrl', nats.url);
  return () => nats.stop();
}

import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DEMO_AGENT_SLUG, DEMO_PASSWORD, DEMO_USERS } from './storage/seed-demo-data.ts';

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  let app;
  try {
    app = await createApp(config);
  } catch (error) {
    console.error(`Could not start: ${(error as Error).message}`);
    process.exit(1);
  }
  try {
    await app.listen();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') console.error(`Port ${config.port} is in use. Stop the other server or set PORT to another port.`);
    else console.error(error);
    await app.close();
    process.exit(1);
  }
  const address = app.fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  console.log(
    [
      '',
      `  AMA2 local server is running at ${url}`,
      `  Inbox:        ${url}/`,
      `  API:          ${url}/api/v1  (OpenAPI: ${url}/api/v1/openapi.json)`,
      `  Database:     ${config.databasePath}`,
      `  Sign in as:   ${DEMO_USERS.map((user) => user.email).join(' or ')}  password: ${DEMO_PASSWORD}`,
      `  Demo agent:   slug "${DEMO_AGENT_SLUG}"`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: closing sockets, finishing writes, closing the database…`);
    const force = setTimeout(() => {
      console.error('Shutdown took too long; exiting.');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();

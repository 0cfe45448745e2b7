/**
 * A whole server in a process of its own, for tests that kill one with SIGKILL or stop it
 * with SIGTERM (a graceful shutdown, as `npm start` does it, then exit 0). Settings come
 * from the environment; logs go to stderr (the test writes them to the run's log folder),
 * and "LISTENING <url>" on stdout says it is up.
 */
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { ForwardingPush } from './forwarding-push.ts';

// Notification tests hand this process's pushes to their receiver.
const pushUrl = process.env.NOTIFY_TEST_PUSH_URL;
const app = await createApp(loadConfig(), {
  seed: false,
  logStream: process.stderr,
  ...(pushUrl ? { notificationChannels: { push: new ForwardingPush(pushUrl) } } : {}),
});
const url = await app.listen();
process.once('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
process.stdout.write(`LISTENING ${url.replace('localhost', '127.0.0.1')}\n`);

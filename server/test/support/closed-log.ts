import { readFileSync } from 'node:fs';
import type { TestServer } from './test-server.ts';

/** Closes the server, so that every log line is flushed, and returns its whole log. Closing again later does nothing. */
export async function closedLog(server: TestServer): Promise<string> {
  await server.close();
  return readFileSync(server.logFile, 'utf8');
}
